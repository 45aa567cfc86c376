//! The library's read pipeline over sources other than a file: packets in memory give the
//! lines `pktforge read` gives for their file, and a live source that says it has nothing
//! ready (`PacketSource::flush_now`) has what it gave printed and flushed before it is asked
//! for more.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use pktforge::capture::{
    CaptureError, CaptureReader, LinkTypeNumber, MemorySource, OwnedPacket, PacketSource, RawPacket,
};
use pktforge::output::Format;
use pktforge::pipeline::{self, Options};

fn captures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

fn packets_of(path: &Path) -> Vec<OwnedPacket> {
    let mut r = CaptureReader::open(path).unwrap();
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        v.push(OwnedPacket {
            ts_sec: p.ts_sec,
            ts_nsec: p.ts_nsec,
            orig_len: p.orig_len,
            link: p.link,
            interface: p.interface,
            data: p.data.to_vec(),
        });
    }
    v
}

#[test]
fn memory_source_gives_the_lines_read_gives_for_the_file() {
    let mut compared = 0;
    for f in captures() {
        for (flags, format) in [
            (&[][..], Format::default()),
            (
                &["-e"][..],
                Format {
                    link_header: true,
                    ..Format::default()
                },
            ),
            (
                &["--json"][..],
                Format {
                    json: true,
                    ..Format::default()
                },
            ),
        ] {
            let cli = Command::new(env!("CARGO_BIN_EXE_pktforge"))
                .arg("read")
                .arg(&f)
                .args(flags)
                .output()
                .unwrap();
            assert!(cli.status.success());
            let mut src = MemorySource::new(packets_of(&f));
            let opts = Options {
                format,
                workers: 3,
                ..Options::default()
            };
            let mut out = Vec::new();
            let s = pipeline::run(&mut src, &opts, &mut out).unwrap();
            assert!(s.ended_by.is_none());
            assert_eq!(
                s.packets as usize,
                String::from_utf8_lossy(&cli.stdout).lines().count()
            );
            assert!(out == cli.stdout, "{} {flags:?}", f.display());
            compared += s.packets;
        }
    }
    assert!(compared > 1000, "only {compared} packets compared");
}

/// What the test's output has received through `flush`, and a way to wait for it.
#[derive(Default)]
struct Screen {
    flushed: Mutex<Vec<u8>>,
    grew: Condvar,
}

impl Screen {
    fn lines(&self) -> usize {
        self.flushed
            .lock()
            .unwrap()
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    /// Waits until `n` lines were flushed; false after `limit`.
    fn wait_for(&self, n: usize, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        let mut g = self.flushed.lock().unwrap();
        while g.iter().filter(|&&b| b == b'\n').count() < n {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            g = self.grew.wait_timeout(g, left).unwrap().0;
        }
        true
    }
}

/// A terminal-like output: what is written is held until `flush`.
struct Buffered(Vec<u8>, Arc<Screen>);

impl Write for Buffered {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.1.flushed.lock().unwrap().append(&mut self.0);
        self.1.grew.notify_all();
        Ok(())
    }
}

/// A live-like source: each packet comes only once the line of the one before it is on the
/// screen (as a capture waits for traffic that a reply to the last packet would cause), and
/// it never has a next packet ready.
struct Live {
    packets: Vec<OwnedPacket>,
    next: usize,
    screen: Arc<Screen>,
    says_flush: bool,
    /// A packet waited for its predecessor's line in vain.
    starved: bool,
}

impl PacketSource for Live {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        if self.starved {
            return None;
        }
        if self.next > 0 && !self.screen.wait_for(self.next, Duration::from_secs(3)) {
            self.starved = true;
            return None;
        }
        let p = self.packets.get(self.next)?;
        self.next += 1;
        Some(Ok(RawPacket {
            ts_sec: p.ts_sec,
            ts_nsec: p.ts_nsec,
            caplen: p.data.len() as u32,
            orig_len: p.orig_len,
            link: p.link,
            interface: 0,
            offset: 0,
            data: &p.data,
            comment: None,
        }))
    }

    fn name(&self) -> &str {
        "live"
    }

    fn flush_now(&mut self) -> bool {
        self.says_flush
    }
}

fn live(says_flush: bool) -> (Live, Arc<Screen>) {
    let mut packets = packets_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/vlan.pcap"));
    packets.truncate(6);
    assert_eq!(
        packets.first().map(|p| p.link),
        Some(LinkTypeNumber::ETHERNET)
    );
    let screen = Arc::new(Screen::default());
    let src = Live {
        packets,
        next: 0,
        screen: Arc::clone(&screen),
        says_flush,
        starved: false,
    };
    (src, screen)
}

#[test]
fn a_live_source_is_printed_as_it_goes() {
    let (mut src, screen) = live(true);
    let mut out = Buffered(Vec::new(), Arc::clone(&screen));
    let s = pipeline::run(&mut src, &Options::default(), &mut out).unwrap();
    assert!(
        !src.starved,
        "a packet's line was not printed before the next was asked for"
    );
    assert_eq!(s.packets, 6);
    assert_eq!(screen.lines(), 6);
}

/// The same source without `flush_now`: batches wait to fill, so the source starves (the
/// test above is not passing by accident).
#[test]
fn without_flush_now_a_live_source_would_wait() {
    let (mut src, screen) = live(false);
    let mut out = Buffered(Vec::new(), Arc::clone(&screen));
    let s = pipeline::run(&mut src, &Options::default(), &mut out).unwrap();
    assert!(src.starved);
    assert_eq!(s.packets, 1);
    out.flush().unwrap();
    assert_eq!(screen.lines(), 1);
}

#[test]
fn pipeline_errors_are_typed() {
    let packets = packets_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/vlan.pcap"));
    // -w into a directory that does not exist.
    let opts = Options {
        format: Format {
            quiet: true,
            ..Format::default()
        },
        write: Some(Path::new("/nonexistent-pktforge-dir/x.pcap")),
        ..Options::default()
    };
    let e = pipeline::run(
        &mut MemorySource::new(packets.clone()),
        &opts,
        &mut Vec::new(),
    );
    assert!(matches!(e, Err(pipeline::Error::Sink(_))), "{e:?}");
    // A tcpdump-style filter on a link type it cannot read.
    let mut odd = packets;
    for p in &mut odd {
        p.link = LinkTypeNumber(147);
    }
    let f = pktforge::filter::Filter::new("tcp port 80").unwrap();
    let opts = Options {
        filter: Some(&f),
        ..Options::default()
    };
    let e = pipeline::run(&mut MemorySource::new(odd), &opts, &mut Vec::new());
    match e {
        Err(pipeline::Error::Filter { name, .. }) => assert_eq!(name, "memory"),
        other => panic!("{other:?}"),
    }
}
