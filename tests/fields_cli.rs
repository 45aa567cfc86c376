//! `pktforge read -e NAME / --fields / -E / --csv` and `pktforge fields`, as a user runs
//! them. Where tshark is installed, field lines are compared with `tshark -T fields`
//! given the same options.

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

fn capture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_owned()
}

/// stdout of a successful run.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

/// `tshark -T fields` with reassembly off, or `None` without tshark.
fn tshark(file: &str, args: &[&str]) -> Option<String> {
    let o = Command::new("tshark")
        .args(["-n", "-r", file])
        .args([
            "-o",
            "ip.defragment:FALSE",
            "-o",
            "ipv6.defragment:FALSE",
            "-o",
            "tcp.desegment_tcp_streams:FALSE",
            "-T",
            "fields",
        ])
        .args(args)
        .output()
        .ok()?;
    o.status.success().then(|| text(&o.stdout))
}

#[test]
fn repeated_e_prints_tab_separated_fields() {
    let f = capture("vlan.pcap");
    let out = ok(&[
        "read",
        "-e",
        "frame.number",
        "-e",
        "vlan.id",
        "-e",
        "tcp.port",
        "-c",
        "3",
        &f,
    ]);
    assert_eq!(out, "1\t100\t\n2\t100\t\n3\t100\t\n");
    // Two tags: both ids, joined by tshark's aggregator.
    let out = ok(&["read", "-e", "vlan.id", &f]);
    assert!(out.lines().any(|l| l == "30,31"), "{out}");
}

#[test]
fn fields_is_the_same_as_one_e_per_name() {
    let f = capture("server-ether.pcap");
    let a = ok(&["read", "--fields", "ip.addr,tcp.port,dns.qry.name", &f]);
    let b = ok(&[
        "read",
        "-e",
        "ip.addr",
        "-e",
        "tcp.port",
        "-e",
        "dns.qry.name",
        &f,
    ]);
    assert_eq!(a, b);
    assert!(a.lines().any(|l| l.contains("example.test")));
}

#[test]
fn bare_e_is_still_the_link_header_flag() {
    let f = capture("vlan.pcap");
    let a = ok(&["read", "-e", "-c", "1", &f]);
    let b = ok(&["read", "-c", "1", "-e", &f]);
    assert_eq!(a, b);
    assert!(a.contains("02:70:66:00:00:01 > 02:70:66:00:00:02"), "{a}");
    // A field name and the flag together.
    let c = ok(&["read", "-e", "-e", "frame.number", "-c", "1", &f]);
    assert_eq!(c, "1\n");
}

#[test]
fn unknown_field_is_a_usage_error_with_suggestions() {
    let o = run(&["read", "-e", "ip.srcc", &capture("vlan.pcap")]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("ip.srcc") && err.contains("ip.src"), "{err}");
    let o = run(&["read", "-E", "header=y", &capture("vlan.pcap")]);
    assert_eq!(o.status.code(), Some(2), "-E without fields");
    let o = run(&[
        "read",
        "-e",
        "ip.src",
        "-E",
        "colour=red",
        &capture("vlan.pcap"),
    ]);
    assert_eq!(o.status.code(), Some(2), "unknown -E option");
    assert!(text(&o.stderr).contains("colour"));
    let o = run(&["read", "-e", "ip.src", "-v", &capture("vlan.pcap")]);
    assert_eq!(o.status.code(), Some(2), "-e NAME with -v");
}

#[test]
fn e_options_match_tshark() {
    let f = capture("server-ether.pcap");
    let fields = [
        "-e",
        "frame.number",
        "-e",
        "eth.addr",
        "-e",
        "ip.addr",
        "-e",
        "dns.resp.type",
    ];
    let cases: &[&[&str]] = &[
        &["-E", "header=y"],
        &["-E", "separator=,"],
        &["-E", "separator=/s", "-E", "quote=d"],
        &["-E", "occurrence=f"],
        &["-E", "occurrence=l", "-E", "quote=s"],
        &["-E", "aggregator=;", "-E", "header=y"],
    ];
    for opts in cases {
        let mut args = vec!["read"];
        args.extend_from_slice(&fields);
        args.extend_from_slice(opts);
        args.push(&f);
        let ours = ok(&args);
        let mut targs: Vec<&str> = fields.to_vec();
        targs.extend_from_slice(opts);
        match tshark(&f, &targs) {
            Some(theirs) => assert_eq!(ours, theirs, "{opts:?}"),
            None => {
                eprintln!("tshark missing: {opts:?} only run");
                assert!(!ours.is_empty());
            }
        }
    }
}

#[test]
fn csv_quotes_values_with_commas_and_has_a_header() {
    let f = capture("vlan.pcap");
    let out = ok(&[
        "read",
        "--csv",
        "--fields",
        "frame.number,eth.addr,vlan.id",
        "-c",
        "2",
        &f,
    ]);
    assert_eq!(
        out,
        "frame.number,eth.addr,vlan.id\r\n\
         1,\"02:70:66:00:00:02,02:70:66:00:00:01\",100\r\n\
         2,\"02:70:66:00:00:02,02:70:66:00:00:01\",100\r\n"
    );
    let out = ok(&[
        "read",
        "--csv",
        "-E",
        "header=n",
        "-e",
        "frame.number",
        "-c",
        "1",
        &f,
    ]);
    assert_eq!(out, "1\r\n");
}

#[test]
fn json_with_e_has_only_the_chosen_keys() {
    let f = capture("vlan.pcap");
    let out = ok(&[
        "read",
        "--json",
        "-e",
        "frame.number",
        "-e",
        "ip.addr",
        "-e",
        "tcp.port",
        "-c",
        "1",
        &f,
    ]);
    assert_eq!(
        out,
        "{\"frame.number\":1,\"ip.addr\":[\"198.18.10.1\",\"198.18.10.2\"]}\n"
    );
}

/// Relative times read the packet before each chunk of a parallel read: the same as
/// tshark, and as one thread reading the file through a buffer.
#[test]
fn relative_times_are_right_across_chunks() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    if !script.exists() {
        eprintln!("skipped: {} missing", script.display());
        return;
    }
    let out: PathBuf =
        std::env::temp_dir().join(format!("pktforge-fields-cli-{}.pcap", std::process::id()));
    let st = Command::new("python3")
        .arg(script)
        .args(["--packets", "20000", "--out"])
        .arg(&out)
        .output();
    if !st.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: gen_workload.py did not run");
        return;
    }
    let f = out.to_str().expect("UTF-8 path");
    let names = "frame.number,frame.time_relative,frame.time_delta";
    let chunked = ok(&["read", "-j", "2", "--fields", names, f]);
    let streamed = ok(&["read", "--no-mmap", "-j", "2", "--fields", names, f]);
    assert_eq!(chunked, streamed);
    assert_eq!(chunked.lines().count(), 20000);
    let e: Vec<&str> = names.split(',').flat_map(|n| ["-e", n]).collect();
    if let Some(theirs) = tshark(f, &e) {
        assert_eq!(chunked, theirs);
    }
    let _ = std::fs::remove_file(&out);
}

#[test]
fn fields_lists_the_table() {
    let all = ok(&["fields"]);
    for name in [
        "frame.time_delta",
        "eth.addr",
        "ip.addr",
        "tcp.flags.syn",
        "dns.resp.ttl",
        "http.host",
    ] {
        assert!(all.contains(name), "{name} missing");
    }
    let tcp = ok(&["fields", "tcp"]);
    assert!(
        tcp.starts_with("tcp (Transmission Control Protocol)\n"),
        "{tcp}"
    );
    assert!(tcp.contains("tcp.port") && tcp.contains("FT_BOOLEAN"));
    assert!(!tcp.contains("udp.port"));
    let tsv = ok(&["fields", "--tsv", "udp"]);
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("P\tUser Datagram Protocol\tudp"));
    for l in lines {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), 8, "{l}");
        assert_eq!(cols[0], "F");
        assert!(cols[2].starts_with("udp."));
    }
    let o = run(&["fields", "tpc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean tcp?"));
}
