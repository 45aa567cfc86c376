//! Property tests: random expressions from the grammar never panic when parsed, compiled
//! for each link type, evaluated or run by the interpreter, on random bytes and on packets
//! of a few corpus files (`$PKTFORGE_CORPUS`, skipped when unset); and the compiled
//! program keeps exactly what the evaluator keeps. With display terms (built directly,
//! the field table being empty on this branch) the program keeps a superset. Random
//! instruction vectors are validated and run without panic.

use std::sync::OnceLock;

use pktforge::capture::CaptureReader;
use pktforge::dissect::Dissection;
use pktforge::fields::{Base, Emit, FieldDef, FieldType, FieldVal, Frame};
use pktforge::filter::ast::{Display, Expr, FieldRef};
use pktforge::filter::bpf::{self, Insn};
use pktforge::filter::vm::{self, Vm};
use pktforge::filter::{Filter, FilterLink, Input, eval};
use pktforge::output::FrameMeta;
use proptest::prelude::*;

const LINKS: [FilterLink; 6] = [
    FilterLink::Ether,
    FilterLink::Sll,
    FilterLink::Sll2,
    FilterLink::Raw,
    FilterLink::Ipv4,
    FilterLink::Ipv6,
];

/// Up to 40 packets of each of the first 12 corpus files of a link type filters know.
fn corpus() -> &'static [(FilterLink, Vec<u8>, u32)] {
    static C: OnceLock<Vec<(FilterLink, Vec<u8>, u32)>> = OnceLock::new();
    C.get_or_init(|| {
        let Some(dir) = std::env::var_os("PKTFORGE_CORPUS") else {
            println!("corpus part skipped: PKTFORGE_CORPUS is not set");
            return Vec::new();
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        let mut out = Vec::new();
        let mut used = 0;
        for f in files {
            if used == 12 {
                break;
            }
            let Ok(mut r) = CaptureReader::open(&f) else {
                continue;
            };
            let mut n = 0;
            while let Some(Ok(p)) = r.next_packet() {
                let Some(l) = FilterLink::from_pcap(p.link.0) else {
                    break;
                };
                out.push((l, p.data.to_vec(), p.orig_len));
                n += 1;
                if n == 40 {
                    break;
                }
            }
            used += usize::from(n > 0);
        }
        out
    })
}

fn arith() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<u8>().prop_map(|n| n.to_string()),
        (0u32..2000).prop_map(|n| n.to_string()),
        any::<u32>().prop_map(|n| format!("0x{n:x}")),
        Just("len".to_string()),
        prop_oneof![
            Just("tcpflags"),
            Just("tcp-syn"),
            Just("icmptype"),
            Just("icmp6type")
        ]
        .prop_map(String::from),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        let base = prop_oneof![
            Just("ether"),
            Just("ip"),
            Just("ip6"),
            Just("arp"),
            Just("rarp"),
            Just("tcp"),
            Just("udp"),
            Just("icmp"),
            Just("icmp6"),
            Just("igmp"),
            Just("sctp")
        ];
        let bin = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("&"),
            Just("|"),
            Just("^"),
            Just("<<"),
            Just(">>")
        ];
        prop_oneof![
            (
                base,
                inner.clone(),
                prop_oneof![Just(""), Just(":1"), Just(":2"), Just(":4")]
            )
                .prop_map(|(b, i, s)| format!("{b}[{i}{s}]")),
            (inner.clone(), bin, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            inner.prop_map(|a| format!("-({a})")),
        ]
    })
}

fn primitive() -> impl Strategy<Value = String> {
    let rel = prop_oneof![
        Just("="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">=")
    ];
    let dir = prop_oneof![
        Just(""),
        Just("src "),
        Just("dst "),
        Just("src or dst "),
        Just("src and dst ")
    ];
    let proto = prop_oneof![Just(""), Just("tcp "), Just("udp "), Just("sctp ")];
    prop_oneof![
        prop_oneof![
            Just("ip"),
            Just("ip6"),
            Just("arp"),
            Just("rarp"),
            Just("tcp"),
            Just("udp"),
            Just("icmp"),
            Just("icmp6"),
            Just("igmp"),
            Just("sctp"),
            Just("vlan"),
            Just("multicast"),
            Just("broadcast"),
            Just("ip multicast"),
            Just("ip6 multicast"),
            Just("ip broadcast"),
            Just("ether multicast")
        ]
        .prop_map(String::from),
        (0u16..4096).prop_map(|v| format!("vlan {v}")),
        (proto.clone(), dir.clone(), any::<u16>()).prop_map(|(p, d, n)| format!("{p}{d}port {n}")),
        (proto, dir.clone(), any::<u16>(), any::<u16>())
            .prop_map(|(p, d, a, b)| format!("{p}{d}portrange {a}-{b}")),
        (dir.clone(), any::<[u8; 4]>())
            .prop_map(|(d, a)| format!("{d}host {}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        (dir.clone(), any::<[u8; 3]>(), 0usize..3).prop_map(|(d, a, p)| match p {
            0 => format!("{d}net {}.0.0.0/8", a[0]),
            1 => format!("{d}net {}.{}.0.0/16", a[0], a[1]),
            _ => format!("{d}net {}.{}.{}.0/24", a[0], a[1], a[2]),
        }),
        (dir.clone(), any::<u16>()).prop_map(|(d, a)| format!("{d}host fd00::{a:x}")),
        (dir.clone(), any::<[u8; 6]>()).prop_map(|(d, m)| format!(
            "ether {d}host {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )),
        any::<u16>().prop_map(|v| format!("ether proto {v}")),
        any::<u8>().prop_map(|v| format!("ip proto {v}")),
        any::<u8>().prop_map(|v| format!("ip6 proto {v}")),
        any::<u16>().prop_map(|v| format!("greater {v}")),
        any::<u16>().prop_map(|v| format!("less {v}")),
        (arith(), rel, arith()).prop_map(|(a, r, b)| format!("{a} {r} {b}")),
    ]
}

fn expr() -> impl Strategy<Value = String> {
    primitive().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("not {e}")),
            inner.clone().prop_map(|e| format!("({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} or {b}")),
        ]
    })
}

fn check_same(f: &Filter, text: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    for link in LINKS {
        let Ok(prog) = bpf::compile(f.expr(), link) else {
            continue;
        };
        let _ = f.compile_bpf(link);
        let vm = Vm::new(prog.insns()).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        let mut pkts: Vec<(&[u8], u32)> = vec![(bytes, bytes.len() as u32), (bytes, 1500)];
        pkts.extend(
            corpus()
                .iter()
                .filter(|(l, _, _)| *l == link)
                .map(|(_, d, w)| (d.as_slice(), *w)),
        );
        for (d, w) in pkts {
            let want = f.matches(&Input {
                link,
                data: d,
                wire_len: w,
                frame: None,
            });
            prop_assert_eq!(want, vm.accepts(d, w), "{} on {:?} {:02x?}", text, link, d);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_expressions_compile_and_agree(text in expr(), bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        if let Ok(f) = Filter::new(&text) {
            check_same(&f, &text, &bytes)?;
        }
    }

    #[test]
    fn random_text_never_panics(text in "[a-z0-9 \\[\\]():&|!=<>+*/%^-]{0,60}") {
        if let Ok(f) = Filter::new(&text) {
            for link in LINKS {
                if let Ok(p) = f.compile_bpf(link) {
                    let _ = p.run(text.as_bytes(), 60);
                }
            }
        }
    }

    #[test]
    fn random_programs_never_panic(
        prog in proptest::collection::vec(
            (prop_oneof![any::<u16>(), (0u16..0xc0)], any::<u8>(), any::<u8>(), prop_oneof![any::<u32>(), 0u32..64]),
            1..40,
        ),
        bytes in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let insns: Vec<Insn> = prog.iter().map(|&(code, jt, jf, k)| Insn { code, jt, jf, k }).collect();
        if let Ok(v) = Vm::new(&insns) {
            let _ = v.run(&bytes, 80);
        }
        let _ = vm::validate(&insns);
        let _ = bpf::image_all(&insns);
    }

    #[test]
    fn display_terms_give_a_superset(text in expr(), mask in any::<u32>(), bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let Ok(f) = Filter::new(&text) else { return Ok(()); };
        // Replace some atoms by the display term (chosen by `mask`, atom by atom).
        let mut n = 0u32;
        let e = with_display(f.expr(), mask, &mut n);
        let d = Dissection::new();
        let meta = FrameMeta { number: 1, ts_sec: 0, ts_nsec: 0, orig_len: bytes.len() as u32, cap_len: bytes.len() as u32 };
        let frame = Frame { meta: &meta, first_ts: (0, 0), prev_ts: (0, 0), data: &bytes, d: &d };
        for link in LINKS {
            let Ok(prog) = bpf::compile(&e, link) else { continue; };
            let input = Input { link, data: &bytes, wire_len: bytes.len() as u32, frame: Some(&frame) };
            if eval::eval(&e, &input).unwrap_or(false) {
                prop_assert!(prog.run(&bytes, bytes.len() as u32) != 0, "{} on {:?}", text, link);
            }
            if n > 0 && mask != 0 && has_display(&e) {
                prop_assert!(prog.is_superset());
            }
        }
    }
}

/// A display-filter field for the tests: present when the frame's first byte is odd.
static ODD: FieldDef = FieldDef {
    name: "test.odd",
    ty: FieldType::UInt,
    base: Base::Dec,
    desc: "the first byte, when odd",
    each: odd_each,
};

fn odd_each<'a>(f: &Frame<'_, 'a>, emit: Emit<'_, 'a>) {
    if let Some(&b) = f.data.first() {
        if b & 1 == 1 {
            emit(FieldVal::UInt(u64::from(b)));
        }
    }
}

fn has_display(e: &Expr) -> bool {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => has_display(a) || has_display(b),
        Expr::Not(a) => has_display(a),
        Expr::Atom(..) => false,
        Expr::Display(_) => true,
    }
}

/// `e` with the atoms whose bit of `mask` is set replaced by `test.odd`, and every other
/// `or` made an `xor` when bit 31 is set.
fn with_display(e: &Expr, mask: u32, n: &mut u32) -> Expr {
    let b = |x: &Expr, n: &mut u32| Box::new(with_display(x, mask, n));
    match e {
        Expr::And(x, y) => Expr::And(b(x, n), b(y, n)),
        Expr::Or(x, y) if mask & (1 << 31) != 0 => Expr::Xor(b(x, n), b(y, n)),
        Expr::Or(x, y) => Expr::Or(b(x, n), b(y, n)),
        Expr::Xor(x, y) => Expr::Xor(b(x, n), b(y, n)),
        Expr::Not(x) => Expr::Not(b(x, n)),
        Expr::Atom(..) => {
            let i = *n % 31;
            *n += 1;
            if mask & (1 << i) != 0 {
                Expr::Display(Display::Present(FieldRef {
                    def: &ODD,
                    slice: None,
                }))
            } else {
                e.clone()
            }
        }
        Expr::Display(_) => e.clone(),
    }
}

/// Xor (Wireshark's) compiled through scratch memory agrees with the evaluator.
#[test]
fn xor_agrees() {
    let f = Filter::new("tcp or ip6").unwrap();
    let mut n = 0;
    let e = with_display(f.expr(), 1 << 31, &mut n);
    assert!(matches!(e, Expr::Xor(..)));
    for s in ["captures/server-ether.pcap", "captures/mixed-sll.pcap"] {
        let mut r = CaptureReader::open(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(s)
                .as_path(),
        )
        .unwrap();
        let link = FilterLink::Ether;
        let mut seen = 0;
        while let Some(Ok(p)) = r.next_packet() {
            let link = FilterLink::from_pcap(p.link.0).unwrap_or(link);
            let prog = bpf::compile(&e, link).unwrap();
            let want = eval::eval(
                &e,
                &Input {
                    link,
                    data: p.data,
                    wire_len: p.orig_len,
                    frame: None,
                },
            )
            .unwrap_or(false);
            assert_eq!(want, prog.run(p.data, p.orig_len) != 0);
            seen += usize::from(want);
        }
        assert!(seen > 0);
    }
}

/// Most generated expressions parse (so the properties above test compiled programs).
#[test]
fn the_generator_makes_valid_expressions() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut compiled) = (0, 0);
    let mut bad = Vec::new();
    for _ in 0..400 {
        let text = expr().new_tree(&mut runner).unwrap().current();
        match Filter::new(&text) {
            Ok(f) => {
                ok += 1;
                compiled += usize::from(bpf::compile(f.expr(), FilterLink::Ether).is_ok());
            }
            Err(e) => bad.push(e.render(&text)),
        }
    }
    println!(
        "{ok}/400 parse, {compiled} compile for Ethernet; e.g. {:?}",
        bad.first()
    );
    assert!(
        ok > 300 && compiled > 290,
        "{ok} {compiled} {:?}",
        &bad[..bad.len().min(5)]
    );
}
