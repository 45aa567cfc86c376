//! Every program the BPF compiler makes, run by the interpreter, selects exactly the
//! packets the evaluator (`Filter::matches`) selects: each expression of
//! `tests/bpf/exprs.txt`, compiled for the link type of each file of `captures/`, of raw-IP
//! copies of their IP packets, and of a generated 20k-packet workload (skipped with a
//! message when python3 or `gen_workload.py` is missing), on whole packets and on copies
//! cut to 64, 96 and 128 captured bytes (the wire length kept), packet by packet.

#[path = "bpf/common.rs"]
mod common;

use common::{Set, cut, raw_of};
use pktforge::filter::bpf::{self, BpfError};
use pktforge::filter::vm::Vm;
use pktforge::filter::{Filter, Input};

#[derive(Default)]
struct Tally {
    programs: usize,
    comparisons: usize,
    refused_link: usize,
    selective: usize,
    longest: usize,
    mismatches: Vec<String>,
}

fn check_set(filters: &[(String, Filter)], s: &Set, t: &mut Tally) {
    for (text, f) in filters {
        let prog = match f.compile_bpf(s.link) {
            Ok(p) => p,
            // tcpdump refuses these for the link; the compiler still follows the evaluator.
            Err(BpfError::Link(_)) => {
                t.refused_link += 1;
                bpf::compile(f.expr(), s.link).unwrap()
            }
            Err(e) => panic!("{text}: {e}"),
        };
        let vm = Vm::new(prog.insns()).unwrap_or_else(|e| panic!("{text}: {e}"));
        t.programs += 1;
        t.longest = t.longest.max(prog.len());
        let mut hits = 0;
        for (i, (d, w)) in s.pkts.iter().enumerate() {
            let want = f.matches(&Input {
                link: s.link,
                data: d,
                wire_len: *w,
                frame: None,
            });
            let got = vm.accepts(d, *w);
            t.comparisons += 1;
            hits += usize::from(want);
            if want != got && t.mismatches.len() < 20 {
                t.mismatches.push(format!(
                    "{text:?} on {} packet {}: evaluator {want}, BPF {got}\n{}",
                    s.name,
                    i + 1,
                    prog.image()
                ));
            }
        }
        if hits > 0 && hits < s.pkts.len() {
            t.selective += 1;
        }
    }
}

fn check_all(sets: &[Set]) -> Tally {
    let filters: Vec<(String, Filter)> = common::exprs()
        .into_iter()
        .map(|e| {
            let f = Filter::new(&e).unwrap_or_else(|err| panic!("{}", err.render(&e)));
            (e, f)
        })
        .collect();
    assert!(filters.len() >= 150, "{} expressions", filters.len());
    // Two halves of the sets on two threads.
    let (a, b) = sets.split_at(sets.len() / 2);
    let run = |part: &[Set]| {
        let mut t = Tally::default();
        for s in part {
            for c in [None, Some(64), Some(96), Some(128)] {
                match c {
                    None => check_set(&filters, s, &mut t),
                    Some(n) => check_set(&filters, &cut(s, n), &mut t),
                }
            }
        }
        t
    };
    let (ta, tb) = std::thread::scope(|sc| {
        let h = sc.spawn(|| run(a));
        let tb = run(b);
        (h.join().unwrap(), tb)
    });
    let mut t = ta;
    t.programs += tb.programs;
    t.comparisons += tb.comparisons;
    t.refused_link += tb.refused_link;
    t.selective += tb.selective;
    t.longest = t.longest.max(tb.longest);
    t.mismatches.extend(tb.mismatches);
    let packets: usize = sets.iter().map(|s| s.pkts.len()).sum();
    println!(
        "{} expressions, {} sets, {packets} packets (x4 with the cut copies): {} programs \
         (longest {} instructions), {} packet comparisons, {} (expression, set) pairs \
         selecting some but not all, {} compiled past tcpdump's link check",
        filters.len(),
        sets.len(),
        t.programs,
        t.longest,
        t.comparisons,
        t.selective,
        t.refused_link
    );
    assert!(
        t.mismatches.is_empty(),
        "BPF and the evaluator disagree:\n{}",
        t.mismatches.join("\n")
    );
    t
}

#[test]
fn bpf_selects_what_the_evaluator_selects_on_the_captures() {
    let mut sets = common::captures();
    let raws: Vec<Set> = sets.iter().map(raw_of).collect();
    sets.extend(raws);
    let t = check_all(&sets);
    assert!(t.selective > 500);
}

#[test]
fn bpf_selects_what_the_evaluator_selects_on_a_generated_workload() {
    let Some(path) = common::workload("vs-eval", 20_000) else {
        return;
    };
    let s = common::read(&path);
    let _ = std::fs::remove_file(&path);
    assert!(s.pkts.len() >= 20_000);
    let raw = raw_of(&s);
    check_all(&[s, raw]);
}
