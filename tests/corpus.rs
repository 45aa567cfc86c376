//! Every capture of `$PKTFORGE_CORPUS` (CI: `../shared/corpus/tcpdump`, 830 real and
//! deliberately malformed pcap/pcapng files) is read with no panic and no hang, and its
//! packet count is compared with tshark's.
//!
//! The rule for comparing: tshark's count is trusted only when tshark read the file to the
//! end, that is, when it exits 0 and prints nothing on stderr but its "Running as user"
//! warning (a file cut short, not a capture, an unsupported link type or record type all
//! give a message). For those files the reader must also end without error, with the same
//! number of packets. tshark runs with every dissector disabled (`--disable-protocol ALL`):
//! only its file reader matters here, and it is several times faster.
//!
//! Unset `PKTFORGE_CORPUS`: the test says why it is skipped and passes. No tshark: every
//! file is still read, and the comparison is skipped with a message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use pktforge::capture::CaptureReader;

/// What became of one file.
struct Outcome {
    name: String,
    ours: u64,
    our_error: Option<String>,
    our_time: Duration,
    /// tshark's count, or why it is not compared.
    tshark: Result<u64, String>,
}

fn read_ours(path: &Path) -> (u64, Option<String>) {
    let mut r = match CaptureReader::open(path) {
        Ok(r) => r,
        Err(e) => return (0, Some(e.to_string())),
    };
    let mut n = 0;
    while let Some(p) = r.next_packet() {
        match p {
            Ok(p) => {
                assert_eq!(p.caplen as usize, p.data.len());
                n += 1;
            }
            Err(e) => return (n, Some(e.to_string())),
        }
    }
    (n, None)
}

/// tshark's packet count if it read the file to the end, else the reason it did not.
fn read_tshark(path: &Path) -> Result<u64, String> {
    let out = Command::new("tshark")
        .args([
            "-n",
            "--disable-protocol",
            "ALL",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-r",
        ])
        .arg(path)
        .output()
        .map_err(|e| format!("tshark did not run: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("Running as user"))
        .collect();
    if !out.status.success() || !complaints.is_empty() {
        let msg = complaints.join(" ");
        let reason = if msg.contains("unknown or unsupported") {
            "tshark: unsupported link type"
        } else if msg.contains("doesn't support") {
            "tshark: unsupported record data"
        } else if msg.contains("cut short") {
            "tshark: file cut short"
        } else if msg.contains("isn't a capture file") || msg.contains("understands") {
            "tshark: not a capture file"
        } else if msg.contains("damaged or corrupt") {
            "tshark: damaged or corrupt"
        } else {
            "tshark: other error"
        };
        return Err(format!("{reason} ({})", msg.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count() as u64)
}

#[test]
fn corpus_reads_and_matches_tshark() {
    let Some(dir) = std::env::var_os("PKTFORGE_CORPUS") else {
        println!(
            "skipped: PKTFORGE_CORPUS is not set (CI sets it to ../shared/corpus/tcpdump; \
             locally: PKTFORGE_CORPUS=/work/shared/corpus/tcpdump cargo test --test corpus)"
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("PKTFORGE_CORPUS={}: {e}", dir.to_string_lossy()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no file in {}", dir.to_string_lossy());
    let have_tshark = Command::new("tshark").arg("--version").output().is_ok();
    if !have_tshark {
        println!("tshark not found: every file is read, no count is compared");
    }

    let files = Arc::new(files);
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<Result<Outcome, String>>();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get() + 1);
    for _ in 0..workers {
        let (files, next, tx) = (files.clone(), next.clone(), tx.clone());
        std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(path) = files.get(i) else { break };
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into());
                let t = Instant::now();
                let read = std::panic::catch_unwind(|| read_ours(path));
                let our_time = t.elapsed();
                let msg = match read {
                    Err(_) => Err(format!("{name}: the reader panicked")),
                    Ok((ours, our_error)) => Ok(Outcome {
                        tshark: if have_tshark {
                            read_tshark(path)
                        } else {
                            Err("tshark not installed".into())
                        },
                        name,
                        ours,
                        our_error,
                        our_time,
                    }),
                };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);

    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    loop {
        // No file takes a minute: a silent minute means a hang.
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(o)) => outcomes.push(o),
            Ok(Err(e)) => failures.push(e),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "no file finished in 60 s after {} of {}: hang",
                outcomes.len(),
                files.len()
            ),
        }
    }

    let (mut compared, mut matched) = (0, 0);
    let mut skipped: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for o in &outcomes {
        if o.our_time > Duration::from_secs(10) {
            failures.push(format!("{}: read took {:?}", o.name, o.our_time));
        }
        match &o.tshark {
            Ok(n) => {
                compared += 1;
                if *n == o.ours && o.our_error.is_none() {
                    matched += 1;
                } else {
                    failures.push(format!(
                        "{}: tshark reads {n} packets to the end, pktforge {} ({})",
                        o.name,
                        o.ours,
                        o.our_error.as_deref().unwrap_or("no error")
                    ));
                }
            }
            Err(why) => {
                let key = why.split(" (").next().unwrap_or(why).to_string();
                skipped.entry(key).or_default().push(format!(
                    "{} (pktforge: {} packets, {})",
                    o.name,
                    o.ours,
                    o.our_error.as_deref().unwrap_or("no error")
                ));
            }
        }
    }
    let n_skipped: usize = skipped.values().map(Vec::len).sum();
    println!(
        "corpus {}: {} files read, {compared} compared with tshark, {matched} matched, \
         {n_skipped} not compared",
        dir.to_string_lossy(),
        outcomes.len()
    );
    for (why, names) in &skipped {
        println!("  not compared, {why}: {}", names.len());
        for n in names {
            println!("    {n}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(outcomes.len(), files.len());
}
