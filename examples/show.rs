//! Prints show(), summary() and hexdump() of a few packets.
use pktforge::prelude::*;
fn main() {
    let pkts = [
        Ether::new().src("00:00:00:00:00:00") / IP::new() / TCP::new(),
        IP::new().options(Value::List(vec![]))
            / UDP::new()
            / DNS::new().qd(DNSQR::new().qname("a.b")),
        IPv6::new().dst("fd00::1")
            / ICMPv6ND_NS::new().tgt("fd00::1")
            / ICMPv6NDOptSrcLLAddr::new().lladdr("02:00:00:00:00:01"),
        IP::new() / ICMP::new() / "hello world 1234567",
    ];
    for p in pkts {
        println!("{}", p.summary());
        print!("{}", p.show());
        print!("{}", p.hexdump().unwrap());
    }
}
