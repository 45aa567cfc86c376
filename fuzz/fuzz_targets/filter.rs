//! Filters over arbitrary text: parsing, the error message with its caret, compiling to
//! classic BPF for each link type, and evaluating on a fixed set of packets, where the
//! BPF program and the evaluator must select the same packets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pktforge::filter::bpf::BpfError;
use pktforge::filter::vm::Vm;
use pktforge::filter::{Filter, FilterLink, Input};
use std::sync::OnceLock;

/// Packets of captures/ (a few of each file), with their link types.
fn packets() -> &'static [(u32, Vec<u8>)] {
    static P: OnceLock<Vec<(u32, Vec<u8>)>> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../captures");
        let mut v = Vec::new();
        let Ok(rd) = std::fs::read_dir(dir) else {
            return v;
        };
        let mut files: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            let Ok(mut r) = pktforge::capture::CaptureReader::open(&f) else {
                continue;
            };
            let mut n = 0;
            while let Some(Ok(p)) = r.next_packet() {
                n += 1;
                if n % 5 == 0 {
                    v.push((p.link.0, p.data.to_vec()));
                }
            }
        }
        v
    })
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let f = match Filter::new(text) {
        Ok(f) => f,
        Err(e) => {
            let _ = e.render(text);
            return;
        }
    };
    for (link, data) in packets() {
        let wire = data.len() as u32;
        let _ = f.matches_bytes(*link, data, wire);
        let Some(fl) = FilterLink::from_pcap(*link) else {
            continue;
        };
        let prog = match f.compile_bpf(fl) {
            Ok(p) => p,
            Err(BpfError::Internal(why)) => panic!("compiler bug on {text:?}: {why}"),
            // Refused with a reason (too long, too deep, the link cannot carry it).
            Err(_) => continue,
        };
        let Ok(vm) = Vm::new(prog.insns()) else {
            panic!("the compiler made an invalid program for {text:?}");
        };
        // Display terms have no BPF: only pure tcpdump filters are compared.
        if f.needs_dissection() {
            continue;
        }
        let want = f.matches(&Input {
            link: fl,
            data,
            wire_len: wire,
            frame: None,
        });
        let got = vm.accepts(data, wire);
        assert_eq!(
            want, got,
            "{text:?} on a packet of link {link}: evaluator {want}, BPF {got}"
        );
        // Cut to 64 bytes, the wire length kept.
        let cut = &data[..data.len().min(64)];
        let want = f.matches(&Input {
            link: fl,
            data: cut,
            wire_len: wire,
            frame: None,
        });
        assert_eq!(want, vm.accepts(cut, wire), "{text:?} cut to 64 bytes");
    }
});
