/* The peer for `pktforge read --count`: libpcap's bare pcap_next_ex loop over a file, counting
 * packets and touching nothing else. Built and run by scripts/bench_read.py:
 *   cc -O2 -o pcap_next_ex scripts/pcap_next_ex.c -lpcap && ./pcap_next_ex FILE
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long n = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1)
        n++;
    pcap_close(p);
    printf("%lu\n", n);
    return rc == PCAP_ERROR_BREAK ? 0 : 1;
}
