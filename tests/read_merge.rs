//! `pktforge read A B ...`: several files merged by timestamp, compared with what
//! `mergecap -F pcap` then `tcpdump -S -n` make of the same files; `--no-merge` against
//! `mergecap -a`; frame numbers, `-c`, filters, `--count`, `-w` and errors over a merge.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .output()
        .expect("run pktforge")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A temporary directory of this test process, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let d =
            std::env::temp_dir().join(format!("pktforge-read-merge-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).output().is_ok()
}

fn capture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// A classic pcap of Ethernet/IPv4/UDP packets: `(seconds, microseconds, tag)`, the tag in
/// the source port (1000 + tag), which tells the packets apart in tcpdump's lines.
fn write_tagged(path: &str, recs: &[(u32, u32, u8)]) {
    let mut b = Vec::new();
    b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    for v in [0u32, 0, 65535, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    for &(s, us, tag) in recs {
        let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
        frame.extend_from_slice(&[0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0]);
        frame.extend_from_slice(&[198, 18, 0, 1, 198, 18, 0, 2]);
        frame.extend_from_slice(&(1000 + u16::from(tag)).to_be_bytes());
        frame.extend_from_slice(&[0, 9, 0, 8, 0, 0]);
        let len = frame.len() as u32;
        for v in [s, us, len, len] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&frame);
    }
    std::fs::write(path, b).unwrap();
}

/// Generated workloads, when python3 and the generator are here.
fn workload(dir: &TempDir, name: &str, packets: u32, seed: u32) -> Option<String> {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    let out = dir.path(name);
    let ok = Command::new("python3")
        .arg(&generator)
        .args(["--packets", &packets.to_string(), "--out", &out])
        .args(["--seed", &seed.to_string()])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(out)
}

/// `tcpdump -S -n -r FILE [FILTER...]`, in UTC.
fn tcpdump(file: &str, filter: &[&str]) -> String {
    let o = Command::new("tcpdump")
        .args(["-S", "-n", "-r", file])
        .args(filter)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(o.status.success(), "tcpdump -r {file}: {}", text(&o.stderr));
    text(&o.stdout)
}

/// `mergecap -F pcap -w OUT FILES...` (with `-a`: concatenated).
fn mergecap(out: &str, files: &[String], concatenate: bool) {
    let mut c = Command::new("mergecap");
    if concatenate {
        c.arg("-a");
    }
    let o = c
        .args(["-F", "pcap", "-w", out])
        .args(files)
        .output()
        .unwrap();
    assert!(o.status.success(), "mergecap: {}", text(&o.stderr));
}

fn assert_same_lines(ours: &str, theirs: &str, what: &str) {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "{what}: line {}", i + 1);
    }
    assert_eq!(a.len(), b.len(), "{what}: line count");
}

fn tools_or_skip() -> bool {
    if !have("tcpdump", "--version") || !have("mergecap", "-V") {
        eprintln!("skipped: needs tcpdump and mergecap (apt-get install tcpdump wireshark-common)");
        return false;
    }
    true
}

/// The sets of files merged: equal times across files (the order mergecap gives ties),
/// the bundled Ethernet captures, two generated workloads whose packets interleave.
fn file_sets(dir: &TempDir) -> Vec<Vec<String>> {
    let (t1, t2, t3) = (
        dir.path("t1.pcap"),
        dir.path("t2.pcap"),
        dir.path("t3.pcap"),
    );
    write_tagged(
        &t1,
        &[(1, 0, 0x11), (1, 0, 0x12), (2, 0, 0x13), (3, 5, 0x14)],
    );
    write_tagged(&t2, &[(1, 0, 0x21), (2, 0, 0x22), (2, 0, 0x23)]);
    write_tagged(&t3, &[(1, 0, 0x31), (3, 5, 0x32)]);
    let mut sets = vec![
        vec![t1.clone(), t2.clone(), t3.clone()],
        vec![t3, t1, t2],
        vec![capture("server-ether.pcap"), capture("vlan.pcap")],
    ];
    match (
        workload(dir, "a.pcap", 4000, 1),
        workload(dir, "b.pcap", 3000, 2),
        workload(dir, "c.pcap", 2000, 3),
    ) {
        (Some(a), Some(b), Some(c)) => {
            sets.push(vec![a.clone(), b.clone()]);
            sets.push(vec![c, a, capture("server-ether.pcap"), b]);
        }
        _ => eprintln!("note: python3 or gen_workload.py missing: generated workloads not merged"),
    }
    sets
}

#[test]
fn merged_lines_match_mergecap_then_tcpdump() {
    if !tools_or_skip() {
        return;
    }
    let dir = TempDir::new("lines");
    let merged = dir.path("merged.pcap");
    for set in file_sets(&dir) {
        mergecap(&merged, &set, false);
        let theirs = tcpdump(&merged, &[]);
        let args: Vec<&str> = std::iter::once("read")
            .chain(set.iter().map(String::as_str))
            .collect();
        let ours = run(&args);
        assert!(ours.status.success(), "{set:?}: {}", text(&ours.stderr));
        assert_same_lines(&text(&ours.stdout), &theirs, &format!("{set:?}"));
        // The same through the streamed reader.
        let mut streamed = args.clone();
        streamed.push("--no-mmap");
        assert_eq!(run(&streamed).stdout, ours.stdout, "{set:?} --no-mmap");
    }
}

#[test]
fn no_merge_reads_the_files_one_after_the_other() {
    if !tools_or_skip() {
        return;
    }
    let dir = TempDir::new("chain");
    let concatenated = dir.path("cat.pcap");
    for set in file_sets(&dir) {
        mergecap(&concatenated, &set, true);
        let theirs = tcpdump(&concatenated, &[]);
        let mut args: Vec<&str> = vec!["read", "--no-merge"];
        args.extend(set.iter().map(String::as_str));
        let ours = run(&args);
        assert!(ours.status.success(), "{set:?}: {}", text(&ours.stderr));
        assert_same_lines(&text(&ours.stdout), &theirs, &format!("--no-merge {set:?}"));
    }
}

/// Frame numbers run over the merge; `-c`, a filter after the files, `--count` and `-w`
/// apply to the merged stream.
#[test]
fn numbers_limit_filter_count_and_write_over_the_merge() {
    if !tools_or_skip() {
        return;
    }
    let dir = TempDir::new("flags");
    let set = file_sets(&dir).pop().unwrap();
    let merged = dir.path("merged.pcap");
    mergecap(&merged, &set, false);
    let files: Vec<&str> = set.iter().map(String::as_str).collect();
    let with = |extra: &[&str]| -> Output {
        let mut a = vec!["read"];
        a.extend(&files);
        a.extend(extra);
        run(&a)
    };
    let all = tcpdump(&merged, &[]);
    let total = all.lines().count();
    // Frame numbers 1..=N over the merge, as in the merged file.
    let ours = with(&["-e", "frame.number"]);
    let theirs = run(&["read", &merged, "-e", "frame.number"]);
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert_eq!(ours.stdout, theirs.stdout);
    assert_eq!(
        text(&ours.stdout).lines().last(),
        Some(total.to_string().as_str())
    );
    // `-e` before the files: the link header, the files merged.
    let mut e_first = vec!["read", "-e"];
    e_first.extend(&files);
    assert_eq!(run(&e_first).stdout, run(&["read", "-e", &merged]).stdout);
    // JSON (relative times from the merge's first packet) equals that of the merged file.
    assert_eq!(
        with(&["--json"]).stdout,
        run(&["read", &merged, "--json"]).stdout
    );
    // -c: the first packets of the merge.
    let first: String = all.lines().take(7).map(|l| format!("{l}\n")).collect();
    assert_eq!(text(&with(&["-c", "7"]).stdout), first);
    // A filter after the files.
    let udp = tcpdump(&merged, &["udp"]);
    assert_same_lines(&text(&with(&["udp"]).stdout), &udp, "filter udp");
    assert_same_lines(
        &text(&with(&["-c", "5", "tcp", "port", "80"]).stdout),
        &tcpdump(&merged, &["-c", "5", "tcp", "port", "80"]),
        "-c 5 tcp port 80",
    );
    // --count, with and without a filter.
    assert_eq!(text(&with(&["--count"]).stdout), format!("{total}\n"));
    let n_udp = udp.lines().count();
    assert_eq!(
        text(&with(&["--count", "udp"]).stdout),
        format!("{n_udp}\n")
    );
    // -w writes the merge: the same packets as mergecap's file.
    let copy = dir.path("copy.pcap");
    let w = with(&["-w", &copy]);
    assert!(w.status.success(), "{}", text(&w.stderr));
    assert_same_lines(&tcpdump(&copy, &[]), &all, "-w over the merge");
}

#[test]
fn a_missing_or_damaged_file_is_named() {
    let dir = TempDir::new("errors");
    let good = capture("server-ether.pcap");
    // A second file that does not exist: named, exit 1 (not a filter syntax error).
    let missing = dir.path("missing.pcap");
    let o = run(&["read", &good, &missing]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("missing.pcap"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    // A file cut short: every packet of every file is printed, then the warning names it.
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let vlan = capture("vlan.pcap");
    let o = run(&["read", &cut, &vlan]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout).lines().count(), 113 + 11);
    let err = text(&o.stderr);
    assert!(
        err.starts_with("warning: ") && err.contains("cut.pcap"),
        "{err}"
    );
    // A word that is no file starts the filter: a bad filter is a usage error (exit 2).
    let o = run(&["read", &good, &vlan, "nosuchprimitive"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}
