//! Sending and reply matching in a three-namespace lab (client - router - server, see
//! tests/netns/lab3.rs): `pktforge ping`, `traceroute`, `sr1`/`sr`/`srp1`, `send`, `arping`
//! run in the client against the router and the server, compared with iputils and
//! traceroute(8) where their output is the reference. Skipped (with the reason) when not
//! root or when `ip` is missing; CI runs them as root.
//!
//! Every command runs with a deadline (the child is killed when it passes), so each test
//! ends within 30 s even when a command hangs.

#[path = "netns/lab3.rs"]
mod lab3;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lab3::*;
use regex::Regex;

const EXE: &str = env!("CARGO_BIN_EXE_pktforge");

/// `pktforge ARGS` in the client, killed after `secs`.
fn pf(lab: &Lab3, args: &[&str], secs: u64) -> Out {
    lab.run(&lab.client, EXE, args, secs)
}

/// The statistics of a ping run.
#[derive(Debug, PartialEq)]
struct PingStats {
    transmitted: u32,
    received: u32,
    errors: u32,
    loss: String,
    time_ms: u64,
    /// min/avg/max/mdev, when a reply came.
    rtt: Option<[f64; 4]>,
}

/// Parses iputils' statistics block (after `--- HOST ping statistics ---`).
fn ping_stats(out: &str, host: &str) -> PingStats {
    let lines: Vec<&str> = out.lines().collect();
    let head = format!("--- {host} ping statistics ---");
    let i = lines
        .iter()
        .position(|l| *l == head)
        .unwrap_or_else(|| panic!("no `{head}` line in:\n{out}"));
    let re = Regex::new(
        r"^(\d+) packets transmitted, (\d+) received,(?: \+(\d+) errors,)? (\d+(?:\.\d+)?%) packet loss, time (\d+)ms$",
    )
    .unwrap();
    let l = lines.get(i + 1).copied().unwrap_or("");
    let c = re
        .captures(l)
        .unwrap_or_else(|| panic!("statistics line `{l}` does not parse, in:\n{out}"));
    // iputils ends with a blank line instead of the rtt line when no reply came.
    let rtt = lines.get(i + 2).filter(|l| l.starts_with("rtt ")).map(|l| {
        let re = Regex::new(
            r"^rtt min/avg/max/mdev = (\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3}) ms$",
        )
        .unwrap();
        let c = re
            .captures(l)
            .unwrap_or_else(|| panic!("rtt line `{l}` does not parse, in:\n{out}"));
        let v: Vec<f64> = (1..=4).map(|k| c[k].parse().unwrap()).collect();
        [v[0], v[1], v[2], v[3]]
    });
    PingStats {
        transmitted: c[1].parse().unwrap(),
        received: c[2].parse().unwrap(),
        errors: c.get(3).map_or(0, |m| m.as_str().parse().unwrap()),
        loss: c[4].to_string(),
        time_ms: c[5].parse().unwrap(),
        rtt,
    }
}

/// Output with the times masked, to compare with iputils/traceroute(8) line by line.
fn untimed(out: &str) -> Vec<String> {
    let subs = [
        (r"time=\d+(\.\d+)? ms", "time=T ms"),
        (r"time \d+ms", "time Tms"),
        (r"= \d+\.\d+/\d+\.\d+/\d+\.\d+/\d+\.\d+ ms", "= R ms"),
        (r"  \d+\.\d+ ?ms", "  T ms"),
    ];
    out.lines()
        .map(|l| {
            let mut l = l.to_string();
            for (re, to) in subs {
                l = Regex::new(re).unwrap().replace_all(&l, to).into_owned();
            }
            l
        })
        .collect()
}

/// The reply lines (`64 bytes from ...`) with their sequence numbers and TTLs.
fn replies(out: &str, host: &str) -> Vec<(u32, u32)> {
    let re = Regex::new(&format!(
        r"^64 bytes from {}: icmp_seq=(\d+) ttl=(\d+) time=\d+(\.\d+)? ms$",
        regex::escape(host)
    ))
    .unwrap();
    out.lines()
        .filter_map(|l| re.captures(l))
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect()
}

fn check_three_replies(lab: &Lab3, host: &str, family: &str, first: &str) {
    let o = pf(
        lab,
        &["ping", family, "-c", "3", "-i", "0.2", "-W", "2", host],
        15,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(o.stdout.lines().next(), Some(first), "{}", o.show());
    assert_eq!(
        replies(&o.stdout, host),
        vec![(1, 63), (2, 63), (3, 63)],
        "{}",
        o.show()
    );
    let s = ping_stats(&o.stdout, host);
    assert_eq!((s.transmitted, s.received, s.errors), (3, 3, 0), "{s:?}");
    assert_eq!(s.loss, "0%");
    // Three probes 0.2 s apart: about 400 ms.
    assert!(s.time_ms >= 300 && s.time_ms < 3000, "{s:?}");
    let [min, avg, max, mdev] = s.rtt.expect("an rtt line");
    assert!(min <= avg && avg <= max && mdev >= 0.0, "{s:?}");
    assert!(max < 1000.0, "{s:?}");

    // The same run with iputils: the same lines once the times are masked.
    let sys = lab.run(
        &lab.client,
        "ping",
        &[family, "-c", "3", "-i", "0.2", "-W", "2", host],
        15,
    );
    if sys.code == Some(0) {
        assert_eq!(
            untimed(&o.stdout),
            untimed(&sys.stdout),
            "iputils:\n{}",
            sys.stdout
        );
    } else {
        eprintln!("iputils ping failed here, not compared: {}", sys.show());
    }
}

#[test]
fn ping_server_three_replies_ttl_63() {
    let Some(lab) = Lab3::new("ping_server_three_replies_ttl_63") else {
        return;
    };
    check_three_replies(
        &lab,
        SERVER_V4,
        "-4",
        "PING 198.18.1.2 (198.18.1.2) 56(84) bytes of data.",
    );
}

#[test]
fn ping6_server_three_replies_hop_limit_63() {
    let Some(lab) = Lab3::new("ping6_server_three_replies_hop_limit_63") else {
        return;
    };
    check_three_replies(
        &lab,
        SERVER_V6,
        "-6",
        // iputils (20221126) writes no space before the parenthesis for IPv6.
        "PING fd00:beef:1::2(fd00:beef:1::2) 56 data bytes",
    );
}

#[test]
fn ping_nonexistent_host_total_loss_within_deadline() {
    let Some(lab) = Lab3::new("ping_nonexistent_host_total_loss_within_deadline") else {
        return;
    };
    let o = pf(&lab, &["ping", "-w", "2", "198.18.1.99"], 10);
    assert_eq!(o.code, Some(1), "{}", o.show());
    assert!(
        o.elapsed < Duration::from_millis(3500),
        "-w 2 took {:?}",
        o.elapsed
    );
    assert_eq!(
        o.stdout.lines().next(),
        Some("PING 198.18.1.99 (198.18.1.99) 56(84) bytes of data."),
        "{}",
        o.show()
    );
    assert!(replies(&o.stdout, "198.18.1.99").is_empty(), "{}", o.show());
    let s = ping_stats(&o.stdout, "198.18.1.99");
    assert_eq!(s.received, 0, "{s:?}");
    assert!(s.transmitted >= 2, "one probe a second for 2 s: {s:?}");
    assert_eq!(s.loss, "100%", "{s:?}");
    assert_eq!(s.rtt, None, "no rtt line without replies: {}", o.stdout);
}

#[test]
fn ping_count_without_answers_ends_after_the_reply_timeout() {
    let Some(lab) = Lab3::new("ping_count_without_answers_ends_after_the_reply_timeout") else {
        return;
    };
    // No -w: two probes 0.2 s apart, then -W 1 for the missing answers, as iputils.
    let o = pf(
        &lab,
        &["ping", "-c", "2", "-i", "0.2", "-W", "1", "198.18.1.99"],
        10,
    );
    assert_eq!(o.code, Some(1), "{}", o.show());
    assert!(
        o.elapsed < Duration::from_millis(3000),
        "-c 2 -i 0.2 -W 1 took {:?}",
        o.elapsed
    );
    let s = ping_stats(&o.stdout, "198.18.1.99");
    assert_eq!((s.transmitted, s.received), (2, 0), "{s:?}");
    assert_eq!(s.loss, "100%", "{s:?}");
}

#[test]
fn ping_ttl_1_time_exceeded_from_router() {
    let Some(lab) = Lab3::new("ping_ttl_1_time_exceeded_from_router") else {
        return;
    };
    let o = pf(
        &lab,
        &["ping", "-c", "1", "-t", "1", "-W", "2", SERVER_V4],
        10,
    );
    assert_eq!(o.code, Some(1), "no reply, only an error: {}", o.show());
    assert!(
        o.stdout
            .lines()
            .any(|l| l == "From 198.18.0.254 icmp_seq=1 Time to live exceeded"),
        "{}",
        o.show()
    );
    let s = ping_stats(&o.stdout, SERVER_V4);
    assert_eq!((s.transmitted, s.received, s.errors), (1, 0, 1), "{s:?}");
    assert_eq!(s.loss, "100%");

    let sys = lab.run(
        &lab.client,
        "ping",
        &["-c", "1", "-t", "1", "-W", "2", SERVER_V4],
        10,
    );
    if sys.stdout.contains("Time to live exceeded") {
        assert_eq!(
            untimed(&o.stdout),
            untimed(&sys.stdout),
            "iputils:\n{}",
            sys.stdout
        );
    }
}

/// The hops of traceroute(8)-style output: (hop, first address or `*`).
fn hops(out: &str) -> Vec<(u32, String)> {
    out.lines()
        .skip(1)
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let n = w.next()?.parse().ok()?;
            Some((n, w.next()?.to_string()))
        })
        .collect()
}

#[test]
fn traceroute_two_hops() {
    let Some(lab) = Lab3::new("traceroute_two_hops") else {
        return;
    };
    let o = pf(&lab, &["traceroute", "-n", "-w", "1", SERVER_V4], 20);
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(
        o.stdout.lines().next(),
        Some("traceroute to 198.18.1.2 (198.18.1.2), 30 hops max, 60 byte packets"),
        "{}",
        o.show()
    );
    assert_eq!(
        hops(&o.stdout),
        vec![(1, ROUTER_C_V4.to_string()), (2, SERVER_V4.to_string())],
        "{}",
        o.show()
    );
    // Three probes a hop, each with its time.
    let re = Regex::new(r"^ [12]  198\.18\.\d+\.\d+  \d+\.\d{3} ms  \d+\.\d{3} ms  \d+\.\d{3} ms$")
        .unwrap();
    for l in o.stdout.lines().skip(1) {
        assert!(re.is_match(l), "hop line `{l}` in:\n{}", o.show());
    }
    let sys = lab.run(&lab.client, "traceroute", &["-n", "-w", "1", SERVER_V4], 20);
    if sys.code == Some(0) {
        assert_eq!(
            untimed(&o.stdout),
            untimed(&sys.stdout),
            "traceroute(8):\n{}",
            sys.stdout
        );
    }
}

#[test]
fn traceroute_stops_at_the_target_without_waiting() {
    let Some(lab) = Lab3::new("traceroute_stops_at_the_target_without_waiting") else {
        return;
    };
    for proto in ["udp", "icmp", "tcp"] {
        let mut args = vec![
            "traceroute",
            "-n",
            "--proto",
            proto,
            "-m",
            "5",
            "-q",
            "1",
            "-w",
            "1",
        ];
        if proto == "tcp" {
            args.extend(["-p", "8080"]);
        }
        args.push(SERVER_V4);
        let o = pf(&lab, &args, 10);
        assert_eq!(o.code, Some(0), "--proto {proto}: {}", o.show());
        assert_eq!(
            o.stdout.lines().next(),
            Some("traceroute to 198.18.1.2 (198.18.1.2), 5 hops max, 60 byte packets"),
            "--proto {proto}: {}",
            o.show()
        );
        assert_eq!(
            hops(&o.stdout),
            vec![(1, ROUTER_C_V4.to_string()), (2, SERVER_V4.to_string())],
            "--proto {proto}: {}",
            o.show()
        );
        // Each answer comes at once: far below 5 hops x 1 probe x 1 s.
        assert!(
            o.elapsed < Duration::from_secs(3),
            "--proto {proto} took {:?}",
            o.elapsed
        );
    }
}

/// The answered pairs of sr/sr1 output: (probe, answer) summaries.
fn pairs(out: &str) -> Vec<(String, String)> {
    let re = Regex::new(r"^(.+) ==> (.+)  \(rtt \d+(\.\d+)? ms\)$").unwrap();
    out.lines()
        .take_while(|l| *l != "Unanswered:")
        .filter_map(|l| re.captures(l))
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The `Received R packets, got A answers, remaining U packets` line: (R, A, U).
fn tally(o: &Out) -> (u32, u32, u32) {
    let re = Regex::new(r"^Received (\d+) packets, got (\d+) answers, remaining (\d+) packets$")
        .unwrap();
    let c = o
        .stdout
        .lines()
        .find_map(|l| re.captures(l))
        .unwrap_or_else(|| panic!("no `Received ...` line: {}", o.show()));
    (
        c[1].parse().unwrap(),
        c[2].parse().unwrap(),
        c[3].parse().unwrap(),
    )
}

/// sr1 of `expr` in the client: exit 0, one pair; returns the pair.
fn sr1_answered(lab: &Lab3, expr: &str, extra: &[&str]) -> (Out, String, String) {
    let mut args = vec!["sr1", expr, "--timeout", "2"];
    args.extend_from_slice(extra);
    let o = pf(lab, &args, 10);
    assert_eq!(o.code, Some(0), "sr1 {expr}: {}", o.show());
    let p = pairs(&o.stdout);
    assert_eq!(p.len(), 1, "sr1 {expr}: {}", o.show());
    let (_, answered, remaining) = tally(&o);
    assert_eq!((answered, remaining), (1, 0), "{}", o.show());
    assert!(!o.stdout.contains("Unanswered:"), "{}", o.show());
    let (probe, answer) = p.into_iter().next().unwrap();
    (o, probe, answer)
}

#[test]
fn sr1_tcp_syn_to_listener_answers_syn_ack() {
    let Some(lab) = Lab3::new("sr1_tcp_syn_to_listener_answers_syn_ack") else {
        return;
    };
    lab.start_tcp_listener(TCP_PORT).expect("listener");
    let (o, probe, answer) = sr1_answered(
        &lab,
        r#"IP(dst="198.18.1.2")/TCP(dport=8080, flags="S")"#,
        &[],
    );
    assert_eq!(
        probe,
        "IP / TCP 198.18.0.1:ftp_data > 198.18.1.2:http_alt S",
        "{}",
        o.show()
    );
    assert_eq!(
        answer,
        "IP / TCP 198.18.1.2:http_alt > 198.18.0.1:ftp_data SA",
        "{}",
        o.show()
    );
}

#[test]
fn sr1_tcp_syn_to_closed_port_answers_reset() {
    let Some(lab) = Lab3::new("sr1_tcp_syn_to_closed_port_answers_reset") else {
        return;
    };
    lab.start_tcp_listener(TCP_PORT).expect("listener");
    let (o, probe, answer) = sr1_answered(
        &lab,
        r#"IP(dst="198.18.1.2")/TCP(dport=8081, flags="S")"#,
        &[],
    );
    assert_eq!(
        probe,
        "IP / TCP 198.18.0.1:ftp_data > 198.18.1.2:tproxy S",
        "{}",
        o.show()
    );
    assert_eq!(
        answer,
        "IP / TCP 198.18.1.2:tproxy > 198.18.0.1:ftp_data RA",
        "{}",
        o.show()
    );
}

#[test]
fn sr1_json_pairs() {
    let Some(lab) = Lab3::new("sr1_json_pairs") else {
        return;
    };
    let o = pf(
        &lab,
        &[
            "sr1",
            r#"IP(dst="198.18.1.2")/ICMP()"#,
            "--timeout",
            "2",
            "--json",
        ],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let objs: Vec<serde_json::Value> = o
        .stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("`{l}`: {e}")))
        .collect();
    assert_eq!(objs.len(), 1, "{}", o.show());
    let v = &objs[0];
    assert_eq!(
        v["probe"].as_str(),
        Some("IP / ICMP 198.18.0.1 > 198.18.1.2 echo-request 0"),
        "{v}"
    );
    assert_eq!(
        v["answer"].as_str(),
        Some("IP / ICMP 198.18.1.2 > 198.18.0.1 echo-reply 0"),
        "{v}"
    );
    let rtt: f64 = v["rtt_ms"].to_string().parse().expect("rtt_ms a number");
    assert!(rtt > 0.0 && rtt < 2000.0, "{v}");
}

#[test]
fn sr1_udp_closed_port_answers_port_unreachable() {
    let Some(lab) = Lab3::new("sr1_udp_closed_port_answers_port_unreachable") else {
        return;
    };
    let (o, _, answer) = sr1_answered(&lab, r#"IP(dst="198.18.1.2")/UDP(dport=33434)"#, &[]);
    assert!(
        answer.contains("dest-unreach") && answer.contains("port-unreachable"),
        "{}",
        o.show()
    );
    assert_eq!(
        answer,
        "IP / ICMP 198.18.1.2 > 198.18.0.1 dest-unreach port-unreachable / IPerror / UDPerror",
        "{}",
        o.show()
    );
}

#[test]
fn sr1_dns_query_to_dnsmasq() {
    let Some(lab) = Lab3::new("sr1_dns_query_to_dnsmasq") else {
        return;
    };
    if let Err(e) = lab.start_dnsmasq() {
        eprintln!("skipping sr1_dns_query_to_dnsmasq: {e}");
        return;
    }
    let expr = r#"IP(dst="198.18.1.2")/UDP(dport=53)/DNS(rd=1, qd=DNSQR(qname="www.lab.test"))"#;
    let (o, _, answer) = sr1_answered(&lab, expr, &[]);
    assert_eq!(answer, "IP / UDP / DNS Ans 198.18.1.7", "{}", o.show());
    let (v, _, _) = sr1_answered(&lab, expr, &["-v"]);
    assert!(
        v.stdout.contains(DNS_ANSWER) && v.stdout.contains("www.lab.test"),
        "-v shows the record: {}",
        v.show()
    );
}

#[test]
fn sr_three_echo_requests_three_answers() {
    let Some(lab) = Lab3::new("sr_three_echo_requests_three_answers") else {
        return;
    };
    let o = pf(
        &lab,
        &[
            "sr",
            r#"IP(dst="198.18.1.2")/ICMP(seq=[1,2,3])"#,
            "--timeout",
            "2",
        ],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let p = pairs(&o.stdout);
    assert_eq!(p.len(), 3, "{}", o.show());
    for (probe, answer) in &p {
        assert_eq!(probe, "IP / ICMP 198.18.0.1 > 198.18.1.2 echo-request 0");
        assert_eq!(answer, "IP / ICMP 198.18.1.2 > 198.18.0.1 echo-reply 0");
    }
    let (received, answered, remaining) = tally(&o);
    assert_eq!((answered, remaining), (3, 0), "{}", o.show());
    assert!(received >= 3, "{}", o.show());
}

#[test]
fn sr_unanswered_probe_is_listed() {
    let Some(lab) = Lab3::new("sr_unanswered_probe_is_listed") else {
        return;
    };
    let o = pf(
        &lab,
        &[
            "sr",
            r#"IP(dst=["198.18.1.2","198.18.1.99"])/ICMP()"#,
            "--timeout",
            "1",
        ],
        10,
    );
    assert_eq!(o.code, Some(1), "one probe unanswered: {}", o.show());
    assert_eq!(pairs(&o.stdout).len(), 1, "{}", o.show());
    let after: Vec<&str> = o
        .stdout
        .lines()
        .skip_while(|l| *l != "Unanswered:")
        .skip(1)
        .take_while(|l| !l.starts_with("Received "))
        .collect();
    assert_eq!(
        after,
        vec!["IP / ICMP 198.18.0.1 > 198.18.1.99 echo-request 0"],
        "{}",
        o.show()
    );
    let (_, answered, remaining) = tally(&o);
    assert_eq!((answered, remaining), (1, 1), "{}", o.show());
    assert!(o.elapsed < Duration::from_secs(4), "{:?}", o.elapsed);
}

#[test]
fn srp1_ether_echo_request_on_the_veth() {
    let Some(lab) = Lab3::new("srp1_ether_echo_request_on_the_veth") else {
        return;
    };
    let expr = format!(r#"Ether(dst="{MAC_ROUTER_C}")/IP(dst="198.18.1.2")/ICMP()"#);
    let o = pf(
        &lab,
        &["srp1", &expr, "-i", &lab.veth_c, "--timeout", "2"],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let p = pairs(&o.stdout);
    assert_eq!(p.len(), 1, "{}", o.show());
    assert_eq!(
        p[0].1,
        "Ether / IP / ICMP 198.18.1.2 > 198.18.0.1 echo-reply 0",
        "{}",
        o.show()
    );
}

/// The MAC of `dev` in `ns` (`ip -n NS link show DEV`, the `link/ether` field).
fn link_mac(lab: &Lab3, ns: &str, dev: &str) -> String {
    let o = run_timeout(
        {
            let mut c = std::process::Command::new("ip");
            c.args(["-n", ns, "link", "show", "dev", dev]);
            c
        },
        Duration::from_secs(5),
    );
    let _ = lab;
    o.stdout
        .split_whitespace()
        .skip_while(|w| *w != "link/ether")
        .nth(1)
        .unwrap_or_else(|| panic!("no link/ether in: {}", o.show()))
        .to_string()
}

#[test]
fn arping_router_prints_its_mac() {
    let Some(lab) = Lab3::new("arping_router_prints_its_mac") else {
        return;
    };
    let mac = link_mac(&lab, &lab.router, &lab.veth_rc);
    assert_eq!(mac, MAC_ROUTER_C);
    let o = pf(
        &lab,
        &[
            "arping",
            ROUTER_C_V4,
            "-i",
            &lab.veth_c,
            "-c",
            "1",
            "-w",
            "2",
        ],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("ARPING 198.18.0.254 from 198.18.0.1 {}", lab.veth_c).as_str()),
        "{}",
        o.show()
    );
    let re = Regex::new(&format!(
        r"^Unicast reply from 198\.18\.0\.254 \[{}\]  \d+\.\d+ms$",
        regex::escape(&mac.to_uppercase())
    ))
    .unwrap();
    assert_eq!(
        lines.iter().filter(|l| re.is_match(l)).count(),
        1,
        "{}",
        o.show()
    );
    assert!(
        lines.contains(&"Sent 1 probes (1 broadcast(s))"),
        "{}",
        o.show()
    );
    assert!(lines.contains(&"Received 1 response(s)"), "{}", o.show());

    // iputils arping: the same lines once the times are masked.
    let sys = lab.run(
        &lab.client,
        "arping",
        &["-I", &lab.veth_c, "-c", "1", "-w", "2", ROUTER_C_V4],
        10,
    );
    if sys.code == Some(0) {
        let mask = |s: &str| -> Vec<String> {
            let re = Regex::new(r"  \d+\.\d+ms$").unwrap();
            s.lines()
                .map(|l| re.replace(l, "  Tms").into_owned())
                .collect()
        };
        assert_eq!(
            mask(&o.stdout),
            mask(&sys.stdout),
            "iputils:\n{}",
            sys.stdout
        );
    }
}

#[test]
fn arping_nobody_there_exits_1() {
    let Some(lab) = Lab3::new("arping_nobody_there_exits_1") else {
        return;
    };
    let o = pf(
        &lab,
        &[
            "arping",
            "198.18.0.99",
            "-i",
            &lab.veth_c,
            "-c",
            "2",
            "-w",
            "2",
        ],
        10,
    );
    assert_eq!(o.code, Some(1), "{}", o.show());
    assert!(o.stdout.contains("Received 0 response(s)"), "{}", o.show());
    assert!(o.elapsed < Duration::from_millis(3500), "{:?}", o.elapsed);
}

#[test]
fn debug_match_names_the_icmp_id_rule() {
    let Some(lab) = Lab3::new("debug_match_names_the_icmp_id_rule") else {
        return;
    };
    // The server answers id 7 only after 500 ms, so that the echo replies of the other pings
    // (iputils, other ids) surely reach the client while sr1 waits.
    if let Err(e) = lab.start_icmp_responder(7, Duration::from_millis(500)) {
        eprintln!("skipping debug_match_names_the_icmp_id_rule: {e}");
        return;
    }
    // The brief's traffic: the router pings the server. Its replies go to the router, so the
    // client pings too: those replies reach the client's receiver and match no probe.
    lab.spawn(
        &lab.router,
        "ping",
        &["-q", "-i", "0.05", "-c", "200", SERVER_V4],
    );
    lab.spawn(
        &lab.client,
        "ping",
        &["-q", "-i", "0.02", "-c", "500", SERVER_V4],
    );
    std::thread::sleep(Duration::from_millis(300));
    let o = pf(
        &lab,
        &[
            "sr1",
            r#"IP(dst="198.18.1.2")/ICMP(id=7)"#,
            "--timeout",
            "3",
            "--debug-match",
        ],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let p = pairs(&o.stdout);
    assert_eq!(p.len(), 1, "{}", o.show());
    assert!(p[0].1.contains("echo-reply"), "{}", o.show());
    let nomatch: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("no match: "))
        .collect();
    assert!(!nomatch.is_empty(), "{}", o.show());
    // Some of them are echo replies with another id, rejected by the id rule.
    assert!(
        nomatch
            .iter()
            .any(|l| l.contains("echo-reply") && l.to_lowercase().contains("id")),
        "no `no match:` line names the ICMP id rule: {}",
        o.show()
    );
}

#[test]
fn ping_with_tcp_syn_probe() {
    let Some(lab) = Lab3::new("ping_with_tcp_syn_probe") else {
        return;
    };
    lab.start_tcp_listener(TCP_PORT).expect("listener");
    let o = pf(
        &lab,
        &[
            "ping",
            "-c",
            "2",
            "-i",
            "0.2",
            "-W",
            "2",
            "--probe",
            r#"IP(dst="198.18.1.2")/TCP(dport=8080, flags="S")"#,
            SERVER_V4,
        ],
        15,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let s = ping_stats(&o.stdout, SERVER_V4);
    assert_eq!((s.transmitted, s.received), (2, 2), "{}", o.show());
    assert_eq!(s.loss, "0%");
    assert!(s.rtt.is_some(), "{}", o.show());
}

#[test]
fn sr1_icmpv6_echo_request_answered_by_echo_reply() {
    let Some(lab) = Lab3::new("sr1_icmpv6_echo_request_answered_by_echo_reply") else {
        return;
    };
    let (o, probe, answer) = sr1_answered(
        &lab,
        r#"IPv6(dst="fd00:beef:1::2")/ICMPv6EchoRequest()"#,
        &[],
    );
    assert_eq!(
        probe,
        "IPv6 / ICMPv6 Echo Request (id: 0x0 seq: 0x0)",
        "{}",
        o.show()
    );
    assert_eq!(
        answer,
        "IPv6 / ICMPv6 Echo Reply (id: 0x0 seq: 0x0)",
        "{}",
        o.show()
    );
}

#[test]
fn send_100_at_max_rate_reach_the_server() {
    let Some(lab) = Lab3::new("send_100_at_max_rate_reach_the_server") else {
        return;
    };
    if !have("tcpdump", "--version") {
        eprintln!("skipping send_100_at_max_rate_reach_the_server: tcpdump is not installed");
        return;
    }
    // Resolve the neighbours first, so no frame waits in an ARP queue.
    let warm = lab.run(&lab.client, "ping", &["-c", "1", "-W", "2", SERVER_V4], 5);
    assert_eq!(warm.code, Some(0), "{}", warm.show());
    let dump = Dump::start(&lab, &["-c", "100", "udp and dst port 9999"]);
    let o = pf(
        &lab,
        &[
            "send",
            r#"IP(dst="198.18.1.2")/UDP(sport=4000, dport=9999)"#,
            "--count",
            "100",
            "--rate",
            "max",
        ],
        10,
    );
    // tcpdump -c 100 ends by itself once it has them all; killed after 5 s otherwise.
    let seen = dump.finish();

    assert_eq!(o.code, Some(0), "{}", o.show());
    let re =
        Regex::new(r"^Sent 100 packets \((\d+) bytes\) in \d+(\.\d+)? s, \d+(\.\d+)? packets/s$")
            .unwrap();
    let c = o
        .stdout
        .lines()
        .find_map(|l| re.captures(l))
        .unwrap_or_else(|| panic!("no `Sent 100 packets ...` line: {}", o.show()));
    // 20 bytes of IP and 8 of UDP each.
    assert_eq!(&c[1], "2800", "{}", o.show());
    let n = seen
        .lines()
        .filter(|l| l.contains("198.18.0.1.4000 > 198.18.1.2.9999: UDP"))
        .count();
    assert_eq!(n, 100, "tcpdump in the server saw:\n{seen}");
}

/// The lab itself, checked with the system's tools only: when this fails, the other tests'
/// failures say nothing about pktforge.
#[test]
fn lab_is_sound_with_system_tools() {
    let Some(lab) = Lab3::new("lab_is_sound_with_system_tools") else {
        return;
    };
    let v4 = lab.run(&lab.client, "ping", &["-c", "1", "-W", "2", SERVER_V4], 5);
    assert_eq!(
        replies(&v4.stdout, SERVER_V4),
        vec![(1, 63)],
        "{}",
        v4.show()
    );
    let v6 = lab.run(
        &lab.client,
        "ping",
        &["-6", "-c", "1", "-W", "2", SERVER_V6],
        5,
    );
    assert_eq!(
        replies(&v6.stdout, SERVER_V6),
        vec![(1, 63)],
        "{}",
        v6.show()
    );
    lab.start_tcp_listener(TCP_PORT).expect("listener");
    const CONNECT: &str =
        "import socket,sys; socket.create_connection((sys.argv[1], 8080), 2); print('ok')";
    let c = lab.run(&lab.client, "python3", &["-c", CONNECT, SERVER_V4], 5);
    assert_eq!(c.stdout.trim(), "ok", "{}", c.show());
    if have("dnsmasq", "--version") {
        lab.start_dnsmasq().expect("dnsmasq");
        const QUERY: &str = r#"
import socket, sys
q = b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x03lab\x04test\x00\x00\x01\x00\x01'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, (sys.argv[1], 53))
print(socket.inet_ntoa(s.recv(512)[-4:]))
"#;
        let d = lab.run(&lab.client, "python3", &["-c", QUERY, SERVER_V4], 5);
        assert_eq!(d.stdout.trim(), DNS_ANSWER, "{}", d.show());
    }
    let t = lab.run(
        &lab.client,
        "traceroute",
        &["-n", "-m", "5", "-q", "1", "-w", "1", SERVER_V4],
        10,
    );
    if t.code == Some(0) {
        assert_eq!(
            hops(&t.stdout),
            vec![(1, ROUTER_C_V4.to_string()), (2, SERVER_V4.to_string())],
            "{}",
            t.show()
        );
    }
    assert_eq!(link_mac(&lab, &lab.client, &lab.veth_c), MAC_CLIENT);
    assert_eq!(link_mac(&lab, &lab.server, &lab.veth_s), MAC_SERVER);
}

/// tcpdump (`-n -l`) in the server on its veth, listening.
struct Dump {
    child: std::process::Child,
}

impl Dump {
    /// Starts `tcpdump -i VETH_S -n -l ARGS` in the server and waits (5 s at most) until
    /// it listens.
    fn start(lab: &Lab3, args: &[&str]) -> Dump {
        let mut child = lab
            .exec(&lab.server, "tcpdump")
            .args(["-i", &lab.veth_s, "-n", "-l"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let t0 = Instant::now();
        let mut listening = false;
        while !listening && t0.elapsed() < Duration::from_secs(5) {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
                listening = l.contains("listening on");
            }
        }
        if !listening {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tcpdump did not start listening in the server within 5 s");
        }
        Dump { child }
    }

    /// What it printed: it ends by itself with `-c`; killed after 5 s otherwise.
    fn finish(mut self) -> String {
        let mut stdout = self.child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
            s
        });
        let t1 = Instant::now();
        while self.child.try_wait().ok().flatten().is_none()
            && t1.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        reader.join().unwrap_or_default()
    }
}

/// `ping --tos`, `-M do` and `-I IFACE` reach the wire as asked (tcpdump -v in the
/// server), `-I ADDR` sends from that address, `-M dont` clears DF.
#[test]
fn ping_tos_df_and_source_reach_the_wire() {
    let Some(lab) = Lab3::new("ping_tos_df_and_source_reach_the_wire") else {
        return;
    };
    if !have("tcpdump", "--version") {
        eprintln!("skipping ping_tos_df_and_source_reach_the_wire: tcpdump is not installed");
        return;
    }
    let dump = Dump::start(&lab, &["-v", "-c", "1", "icmp[0] == 8"]);
    let o = pf(
        &lab,
        &[
            "ping",
            "-c",
            "1",
            "-W",
            "2",
            "--tos",
            "16",
            "-M",
            "do",
            "-I",
            &lab.veth_c,
            SERVER_V4,
        ],
        10,
    );
    let seen = dump.finish();
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(replies(&o.stdout, SERVER_V4), vec![(1, 63)], "{}", o.show());
    assert!(seen.contains("tos 0x10"), "{seen}");
    assert!(seen.contains("flags [DF]"), "{seen}");
    assert!(
        seen.contains("198.18.0.1 > 198.18.1.2: ICMP echo request"),
        "{seen}"
    );

    let dump = Dump::start(&lab, &["-v", "-c", "1", "icmp[0] == 8"]);
    let o = pf(
        &lab,
        &[
            "ping", "-c", "1", "-W", "2", "-M", "dont", "-I", CLIENT_V4, SERVER_V4,
        ],
        10,
    );
    let seen = dump.finish();
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert!(seen.contains("flags [none]"), "{seen}");
    assert!(
        seen.contains("198.18.0.1 > 198.18.1.2: ICMP echo request"),
        "{seen}"
    );
}

/// srp1 of an IPv6 frame without Ether(dst): the router's MAC comes from a neighbour
/// solicitation pktforge sends itself (the client's neighbour table is flushed first).
#[test]
fn srp1_ipv6_resolves_the_next_hop_by_solicitation() {
    let Some(lab) = Lab3::new("srp1_ipv6_resolves_the_next_hop_by_solicitation") else {
        return;
    };
    let flush = lab.run(&lab.client, "ip", &["-6", "neigh", "flush", "all"], 5);
    assert_eq!(flush.code, Some(0), "{}", flush.show());
    let table = lab.run(
        &lab.client,
        "ip",
        &["-6", "neigh", "show", "dev", &lab.veth_c],
        5,
    );
    assert!(
        !table.stdout.contains(MAC_ROUTER_C),
        "the router is still in the table: {}",
        table.stdout
    );
    let o = pf(
        &lab,
        &[
            "srp1",
            &format!(r#"Ether()/IPv6(dst="{SERVER_V6}")/ICMPv6EchoRequest(id=77)"#),
            "-i",
            &lab.veth_c,
            "--timeout",
            "3",
        ],
        12,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let p = pairs(&o.stdout);
    assert_eq!(p.len(), 1, "{}", o.show());
    assert!(
        p[0].0.starts_with("Ether / IPv6 / ICMPv6 Echo Request"),
        "{}",
        o.show()
    );
    assert!(p[0].1.contains("Echo Reply"), "{}", o.show());
}
