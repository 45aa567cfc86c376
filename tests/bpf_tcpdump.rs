//! The BPF programs against tcpdump 4.99 / libpcap 1.10 (skipped with a message when
//! tcpdump is not installed):
//!
//! - each expression of `tests/bpf/exprs.txt`, on `captures/` files of each link type, a
//!   raw-IP file made of their IP packets, copies cut to 96 bytes, and a generated 20k
//!   workload: our program run by the interpreter keeps exactly the records
//!   `tcpdump -r F -w - EXPR` writes, and so does the evaluator; tcpdump's own `-ddd`
//!   program, run by the same interpreter, keeps them too;
//! - the printers: tcpdump's `-ddd` program printed by ours gives tcpdump's `-d`, `-dd`
//!   and `-ddd` text, byte for byte, for every expression.

#[path = "bpf/common.rs"]
mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Set, cut, raw_of, write_pcap};
use pktforge::capture::CaptureReader;
use pktforge::filter::bpf::{self, BpfError, parse_decimal};
use pktforge::filter::vm::Vm;
use pktforge::filter::{Filter, Input};

fn tcpdump(args: &[&str], file: &Path, expr: &str) -> Option<Vec<u8>> {
    let out = Command::new("tcpdump")
        .args(args)
        .arg("-r")
        .arg(file)
        .arg("--")
        .arg(expr)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The captured bytes of each record of a pcap stream.
fn records(pcap: Vec<u8>) -> Vec<Vec<u8>> {
    let mut r = CaptureReader::from_read(Box::new(Cursor::new(pcap))).unwrap();
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        v.push(p.unwrap().data.to_vec());
    }
    v
}

#[derive(Default)]
struct Tally {
    runs: usize,
    refused: usize,
    packets: usize,
    ours_vs_tcpdump: Vec<String>,
    eval_vs_tcpdump: Vec<String>,
    theirs_vs_ours: Vec<String>,
    printed: usize,
    print_diffs: Vec<String>,
}

fn check_file(s: &Set, path: &Path, exprs: &[String], printers: bool, t: &mut Tally) {
    for e in exprs {
        let f = Filter::new(e).unwrap();
        let prog = match f.compile_bpf(s.link) {
            Ok(p) => p,
            Err(BpfError::Link(_)) => {
                t.refused += 1;
                continue;
            }
            Err(err) => panic!("{e}: {err}"),
        };
        let Some(written) = tcpdump(&["-w", "-"], path, e) else {
            t.refused += 1;
            continue;
        };
        let want = records(written);
        let vm = Vm::new(prog.insns()).unwrap();
        let ours: Vec<&Vec<u8>> = s
            .pkts
            .iter()
            .filter(|(d, w)| vm.accepts(d, *w))
            .map(|(d, _)| d)
            .collect();
        let by_eval: Vec<&Vec<u8>> = s
            .pkts
            .iter()
            .filter(|(d, w)| {
                f.matches(&Input {
                    link: s.link,
                    data: d,
                    wire_len: *w,
                    frame: None,
                })
            })
            .map(|(d, _)| d)
            .collect();
        t.runs += 1;
        t.packets += s.pkts.len();
        let same =
            |a: &[&Vec<u8>]| a.len() == want.len() && a.iter().zip(&want).all(|(x, y)| *x == y);
        if !same(&ours) {
            t.ours_vs_tcpdump.push(format!(
                "{e:?} on {}: BPF keeps {}, tcpdump {}",
                s.name,
                ours.len(),
                want.len()
            ));
        }
        if !same(&by_eval) {
            t.eval_vs_tcpdump.push(format!(
                "{e:?} on {}: evaluator keeps {}, tcpdump {}",
                s.name,
                by_eval.len(),
                want.len()
            ));
        }
        // tcpdump's optimised program, run by our interpreter.
        let ddd = tcpdump(&["-ddd"], path, e).expect("tcpdump -ddd");
        let ddd = String::from_utf8(ddd).unwrap();
        let theirs = parse_decimal(&ddd).unwrap();
        let tvm = Vm::new(&theirs).unwrap();
        let by_theirs: Vec<&Vec<u8>> = s
            .pkts
            .iter()
            .filter(|(d, w)| tvm.accepts(d, *w))
            .map(|(d, _)| d)
            .collect();
        if by_theirs != ours {
            t.theirs_vs_ours.push(format!(
                "{e:?} on {}: tcpdump's program keeps {}, ours {}",
                s.name,
                by_theirs.len(),
                ours.len()
            ));
        }
        if printers {
            t.printed += 1;
            let d = String::from_utf8(tcpdump(&["-d"], path, e).unwrap()).unwrap();
            let dd = String::from_utf8(tcpdump(&["-dd"], path, e).unwrap()).unwrap();
            for (name, ours, theirs) in [
                ("-d", bpf::image_all(&theirs), d),
                ("-dd", bpf::c_array(&theirs), dd),
                ("-ddd", bpf::decimal(&theirs), ddd.clone()),
            ] {
                if ours != theirs {
                    t.print_diffs
                        .push(format!("{e:?} {name}:\nours:\n{ours}tcpdump:\n{theirs}"));
                }
            }
            // Our own program's lines have tcpdump's shape.
            for (i, line) in prog.image().lines().enumerate() {
                let head = format!("({i:03}) ");
                assert!(line.starts_with(&head), "{e}: {line}");
                let op = line[head.len()..].split_whitespace().next().unwrap_or("");
                assert!(
                    [
                        "ld", "ldh", "ldb", "ldx", "ldxb", "st", "stx", "add", "sub", "mul", "div",
                        "mod", "and", "or", "xor", "lsh", "rsh", "neg", "ja", "jeq", "jgt", "jge",
                        "jset", "ret", "tax", "txa"
                    ]
                    .contains(&op),
                    "{e}: {line}"
                );
            }
        }
    }
}

fn report(t: &Tally, what: &str) {
    println!(
        "{what}: {} (expression, file) runs of tcpdump, {} packets filtered each way, {} \
         refused by tcpdump or the link check; {} printed with -d/-dd/-ddd",
        t.runs, t.packets, t.refused, t.printed
    );
    for (name, v) in [
        ("our BPF vs tcpdump", &t.ours_vs_tcpdump),
        ("evaluator vs tcpdump", &t.eval_vs_tcpdump),
        ("tcpdump's program vs ours", &t.theirs_vs_ours),
        ("printers", &t.print_diffs),
    ] {
        println!("  {name}: {} disagreements", v.len());
        for m in v.iter().take(20) {
            println!("    {m}");
        }
    }
    assert!(t.ours_vs_tcpdump.is_empty() && t.eval_vs_tcpdump.is_empty());
    assert!(t.theirs_vs_ours.is_empty() && t.print_diffs.is_empty());
}

fn run_sets(sets: Vec<(Set, PathBuf, bool)>, what: &str) {
    let exprs = common::exprs();
    let (a, b) = sets.split_at(sets.len() / 2);
    let run = |part: &[(Set, PathBuf, bool)]| {
        let mut t = Tally::default();
        for (s, p, pr) in part {
            check_file(s, p, &exprs, *pr, &mut t);
        }
        t
    };
    let (mut t, tb) = std::thread::scope(|sc| {
        let h = sc.spawn(|| run(a));
        let tb = run(b);
        (h.join().unwrap(), tb)
    });
    t.runs += tb.runs;
    t.refused += tb.refused;
    t.packets += tb.packets;
    t.printed += tb.printed;
    t.ours_vs_tcpdump.extend(tb.ours_vs_tcpdump);
    t.eval_vs_tcpdump.extend(tb.eval_vs_tcpdump);
    t.theirs_vs_ours.extend(tb.theirs_vs_ours);
    t.print_diffs.extend(tb.print_diffs);
    // Remove only the files this test wrote (named by `tmp`), never a capture: the clone
    // itself may sit under the temporary directory.
    for (_, p, _) in &sets {
        let ours = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("pktforge-bpf-"));
        if ours && p.starts_with(std::env::temp_dir()) && !p.starts_with(common::root()) {
            let _ = std::fs::remove_file(p);
        }
    }
    report(&t, what);
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "pktforge-bpf-td-{}-{name}.pcap",
        std::process::id()
    ))
}

#[test]
fn bpf_agrees_with_tcpdump_on_the_captures() {
    if !common::have("tcpdump") {
        println!("skipped: tcpdump is not installed");
        return;
    }
    let root = common::root().join("captures");
    let mut sets = Vec::new();
    let mut ips = Vec::new();
    for (i, name) in [
        "server-ether.pcap",
        "vlan.pcap",
        "mixed-sll.pcap",
        "mixed-sll2.pcap",
        "router-2if.pcapng",
    ]
    .iter()
    .enumerate()
    {
        let path = root.join(name);
        let s = common::read(&path);
        let c = cut(&s, 96);
        let cp = tmp(&format!("cut{i}"));
        write_pcap(&c, &cp);
        ips.extend(raw_of(&s).pkts);
        sets.push((s, path, i == 0));
        sets.push((c, cp, false));
    }
    let raw = Set {
        name: "raw IP copies".into(),
        link: pktforge::filter::FilterLink::Raw,
        pcap_link: 101,
        pkts: ips,
    };
    let rp = tmp("raw");
    write_pcap(&raw, &rp);
    let rc = cut(&raw, 64);
    let rcp = tmp("rawcut");
    write_pcap(&rc, &rcp);
    sets.push((raw, rp, false));
    sets.push((rc, rcp, false));
    run_sets(sets, "captures");
}

#[test]
fn bpf_agrees_with_tcpdump_on_a_generated_workload() {
    if !common::have("tcpdump") {
        println!("skipped: tcpdump is not installed");
        return;
    }
    let Some(path) = common::workload("td", 20_000) else {
        return;
    };
    let s = common::read(&path);
    let c = cut(&s, 64);
    let cp = tmp("wcut");
    write_pcap(&c, &cp);
    run_sets(vec![(s, path, false), (c, cp, false)], "workload");
}

/// Offsets that wrap around 32 bits, as libpcap treats them: a load at a computed offset
/// that overflows (`ip[ip[9] - 20]` on a TCP packet: `ldb [x + 14]` with x + 14 past 2^32)
/// rejects the packet; a constant offset is folded by libpcap's optimiser, wrapping (`ip[0 -
/// 14]` is `ldb [0]`), and a folded transport offset past any packet rejects. The
/// evaluator, our programs and tcpdump agree on each.
#[test]
fn offsets_that_wrap_as_libpcap_treats_them() {
    if !common::have("tcpdump") {
        println!("skipped: tcpdump is not installed");
        return;
    }
    let path = common::root().join("captures/server-ether.pcap");
    let s = common::read(&path);
    for e in [
        "ip[ip[9] - 20] = 2",
        "tcp[ip[9] - 40] = 2",
        "ip[0 - 14] = 2",
        "ip[(0 - 20) * 1] = 2",
        "tcp[0 - 40] = 2",
        "tcp[ip[9] - 6] = 0",
        "ip[len - 60] = 0",
        "icmp6[0 - 54] = 2",
        "ether[ip[9] - 7] = 2",
    ] {
        let f = Filter::new(e).unwrap();
        let prog = f.compile_bpf(s.link).unwrap();
        let by_eval = s
            .pkts
            .iter()
            .filter(|(d, w)| {
                f.matches(&Input {
                    link: s.link,
                    data: d,
                    wire_len: *w,
                    frame: None,
                })
            })
            .count();
        let by_bpf = s.pkts.iter().filter(|(d, w)| prog.run(d, *w) != 0).count();
        let by_tcpdump = records(tcpdump(&["-w", "-"], &path, e).unwrap()).len();
        println!("{e}: evaluator {by_eval}, BPF {by_bpf}, tcpdump {by_tcpdump}");
        assert_eq!((by_eval, by_bpf), (by_tcpdump, by_tcpdump), "{e}");
    }
}
