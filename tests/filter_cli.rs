//! `pktforge filter`: the binary as a user runs it, every flag, errors and exit statuses.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .output()
        .expect("run pktforge")
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `pktforge filter -d 'tcp port 80'`, as the README shows it.
const TCP_80: &str = "\
(000) ldh      [12]
(001) jeq      #0x86dd          jt 2\tjf 8
(002) ldb      [20]
(003) jeq      #0x6             jt 4\tjf 8
(004) ldh      [54]
(005) jeq      #0x50            jt 19\tjf 6
(006) ldh      [56]
(007) jeq      #0x50            jt 19\tjf 8
(008) ldh      [12]
(009) jeq      #0x800           jt 10\tjf 20
(010) ldb      [23]
(011) jeq      #0x6             jt 12\tjf 20
(012) ldh      [20]
(013) jset     #0x1fff          jt 20\tjf 14
(014) ldxb     4*([14]&0xf)
(015) ldh      [x + 14]
(016) jeq      #0x50            jt 19\tjf 17
(017) ldh      [x + 16]
(018) jeq      #0x50            jt 19\tjf 20
(019) ret      #262144
(020) ret      #0
";

#[test]
fn default_and_d_print_like_tcpdump_d() {
    assert_eq!(ok(&["filter", "tcp port 80"]), TCP_80);
    assert_eq!(ok(&["filter", "-d", "tcp", "port", "80"]), TCP_80);
    assert_eq!(ok(&["filter", "tcp", "port", "80", "-d"]), TCP_80);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(TCP_80), "README's filter example is stale");
}

#[test]
fn dd_and_ddd() {
    let dd = ok(&["filter", "-dd", "ip"]);
    assert_eq!(
        dd,
        "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n\
         { 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n"
    );
    let ddd = ok(&["filter", "-ddd", "ip"]);
    assert_eq!(ddd, "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
    let p = pktforge::filter::bpf::parse_decimal(&ok(&["filter", "-ddd", "vlan and tcp"])).unwrap();
    assert!(pktforge::filter::vm::validate(&p).is_ok());
}

#[test]
fn link_types() {
    let first = |link: &str| {
        ok(&["filter", "--link", link, "ip"])
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(first("ether"), "(000) ldh      [12]");
    assert_eq!(first("sll"), "(000) ldh      [14]");
    assert_eq!(first("sll2"), "(000) ldh      [0]");
    assert_eq!(first("raw"), "(000) ldb      [0]");
    // Ports after the cooked v2 header.
    assert!(ok(&["filter", "--link", "sll2", "udp port 53"]).contains("ldxb     4*([20]&0xf)"));
    let o = run(&["filter", "--link", "bogus", "ip"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn errors_exit_2_with_a_caret() {
    let o = run(&["filter", "tcp port x"]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("unknown port 'x'"), "{e}");
    assert!(e.contains("  tcp port x\n           ^"), "{e}");
    assert!(o.stdout.is_empty());
    // What tcpdump refuses for a link type.
    let o = run(&["filter", "--link", "sll", "ether host 02:00:00:00:00:01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ethernet addresses supported only"));
    // Too long for the kernel.
    let long = (0..1000)
        .map(|i| format!("ip[{i}] = 1"))
        .collect::<Vec<_>>()
        .join(" or ");
    let o = run(&["filter", &long]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most 4096"));
    // No expression.
    assert_eq!(run(&["filter"]).status.code(), Some(2));
}

#[test]
fn help_has_examples() {
    assert!(ok(&["filter", "--help"]).contains("Examples:"));
}

/// A parenthesis is first tried as the start of an arithmetic relation; a failed try used
/// to leave its nesting levels counted, so a few parenthesised groups before a byte
/// comparison hit the depth limit (found by `sr`'s kernel filters).
#[test]
fn failed_relation_tries_do_not_count_as_nesting() {
    let e = "(ip and (dst host 198.18.0.1) and (icmp or src host 198.18.1.2) and not icmp[0] == 8)";
    let out = ok(&["filter", e]);
    assert!(out.contains("ret"), "{out}");
    let many = (0..20)
        .map(|i| format!("(src host 198.18.0.{i})"))
        .collect::<Vec<_>>()
        .join(" or ");
    let out = ok(&["filter", &format!("({many}) and not icmp[0] == 8")]);
    assert!(out.contains("ret"), "{out}");
    // Real nesting is still bounded.
    let deep = format!("{}ip{}", "(".repeat(80), ")".repeat(80));
    let o = run(&["filter", &deep]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nests deeper"));
}
