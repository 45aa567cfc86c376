//! The `libpcap` backend (cargo feature `libpcap`): the system's libpcap through the pcap
//! crate. libpcap opens its own `TPACKET_V3` ring and compiles the filter itself when the
//! filter is pure tcpdump syntax (it does not know display terms such as `ip.src ==
//! 198.18.0.1`: those filters run in user space only). The handle is non-blocking and
//! polled with a timeout (libpcap's own blocking read never returns on an idle interface
//! with `TPACKET_V3`), so Ctrl-C and `--timeout` end the capture.

use std::os::fd::AsRawFd;
use std::time::Instant;

use super::{LiveConfig, LiveError, LiveSource, LiveStats, StopFn};
use crate::capture::{CaptureError, LinkTypeNumber, PacketSource, RawPacket};
use crate::filter::Filter;

/// A capture through libpcap.
pub struct PcapSource {
    cap: pcap::Capture<pcap::Active>,
    name: String,
    link: LinkTypeNumber,
    stop: StopFn,
    deadline: Option<Instant>,
    poll_ms: i32,
    buf: Vec<u8>,
    seen: u64,
    done: bool,
}

fn backend_err(iface: &str, e: &pcap::Error) -> LiveError {
    let text = e.to_string();
    if text.contains("Operation not permitted") || text.contains("ermission") {
        LiveError::Permission {
            iface: iface.to_string(),
        }
    } else {
        LiveError::Backend(format!("libpcap: {iface}: {text}"))
    }
}

impl PcapSource {
    /// Opens `cfg.iface` with libpcap, recording `link` (SLL2 or SLL on `any`), with the
    /// filter compiled by libpcap when it can be. Returns the source and whether libpcap
    /// applies the whole filter.
    pub fn open(
        cfg: &LiveConfig,
        link: LinkTypeNumber,
        filter: Option<&Filter>,
    ) -> Result<(PcapSource, bool), LiveError> {
        let iface = cfg.iface.as_str();
        let inactive = pcap::Capture::from_device(iface).map_err(|e| backend_err(iface, &e))?;
        let mut cap = inactive
            .promisc(cfg.promisc)
            .snaplen(i32::try_from(cfg.snaplen).unwrap_or(i32::MAX))
            .buffer_size(i32::try_from(u64::from(cfg.buffer_kib) * 1024).unwrap_or(i32::MAX))
            .timeout(i32::try_from(cfg.poll.as_millis()).unwrap_or(100).max(1))
            .precision(pcap::Precision::Nano)
            .open()
            .and_then(|c| c.setnonblock())
            .map_err(|e| backend_err(iface, &e))?;
        if iface == "any" {
            cap.set_datalink(pcap::Linktype(link.0 as i32))
                .map_err(|e| backend_err(iface, &e))?;
        }
        let mut exact = false;
        if let Some(f) = filter.filter(|f| !f.needs_dissection()) {
            // Pure tcpdump syntax: libpcap's own compiler takes it.
            if cap.filter(f.text(), true).is_ok() {
                exact = true;
            }
        }
        let got = LinkTypeNumber(u32::try_from(cap.get_datalink().0).unwrap_or(0));
        Ok((
            PcapSource {
                cap,
                name: cfg.iface.clone(),
                link: got,
                stop: cfg.stop.clone(),
                deadline: cfg.deadline,
                poll_ms: i32::try_from(cfg.poll.as_millis()).unwrap_or(100).max(1),
                buf: Vec::with_capacity(65_536),
                seen: 0,
                done: false,
            },
            exact,
        ))
    }
}

impl PacketSource for PcapSource {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        let (sec, frac, len) = loop {
            if (self.stop)() || self.deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            match self.cap.next_packet() {
                Ok(p) => {
                    // Copied: the borrow of the capture cannot outlive this loop.
                    self.buf.clear();
                    self.buf.extend_from_slice(p.data);
                    break (p.header.ts.tv_sec, p.header.ts.tv_usec, p.header.len);
                }
                Err(pcap::Error::TimeoutExpired) => {
                    // Nothing buffered: wait for the descriptor (bounded), then look again.
                    let fd = self.cap.as_raw_fd();
                    if let Err(e) = super::ring::wait_readable(fd, self.poll_ms) {
                        self.done = true;
                        return Some(Err(CaptureError::Io {
                            offset: self.seen,
                            source: e,
                        }));
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(CaptureError::Io {
                        offset: self.seen,
                        source: std::io::Error::other(e.to_string()),
                    }));
                }
            }
        };
        self.seen += 1;
        Some(Ok(RawPacket {
            ts_sec: sec,
            // Nanosecond precision: libpcap puts nanoseconds in tv_usec.
            ts_nsec: u32::try_from(frac).unwrap_or(0).min(999_999_999),
            caplen: u32::try_from(self.buf.len()).unwrap_or(u32::MAX),
            orig_len: len,
            link: self.link,
            interface: 0,
            offset: self.seen,
            data: &self.buf,
            comment: None,
        }))
    }

    fn name(&self) -> &str {
        &self.name
    }

    /// The channel cannot say whether another packet is waiting: every packet is printed
    /// as it comes (this backend is the portable path, not the fast one).
    fn flush_now(&mut self) -> bool {
        true
    }
}

impl LiveSource for PcapSource {
    fn link(&self) -> LinkTypeNumber {
        self.link
    }

    fn stats(&mut self) -> LiveStats {
        match self.cap.stats() {
            Ok(s) => LiveStats {
                received: u64::from(s.received),
                dropped: u64::from(s.dropped),
            },
            Err(_) => LiveStats::default(),
        }
    }
}
