//! The `pnet` backend: pnet's datalink channel (an `AF_PACKET` socket read one packet per
//! `recvfrom`). Portable and simple, but without a kernel filter (the whole filter runs in
//! user space), without kernel drop counters and with timestamps taken when user space
//! reads the packet (microsecond clock reads, not the kernel's).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use pnet_datalink::{Channel, Config, DataLinkReceiver};

use super::{LiveConfig, LiveError, LiveSource, LiveStats, StopFn};
use crate::capture::{CaptureError, LinkTypeNumber, PacketSource, RawPacket};
use crate::net::iface::Interface;

/// A capture through pnet's channel.
pub struct PnetSource {
    rx: Box<dyn DataLinkReceiver>,
    name: String,
    link: LinkTypeNumber,
    snaplen: u32,
    stop: StopFn,
    deadline: Option<Instant>,
    buf: Vec<u8>,
    seen: u64,
    failed: AtomicBool,
}

impl PnetSource {
    /// Opens pnet's channel on `iface`.
    pub fn open(cfg: &LiveConfig, iface: &Interface) -> Result<PnetSource, LiveError> {
        let ni = pnet_datalink::interfaces()
            .into_iter()
            .find(|i| i.name == iface.name)
            .ok_or_else(|| LiveError::NoSuchInterface {
                name: iface.name.clone(),
                known: pnet_datalink::interfaces()
                    .into_iter()
                    .map(|i| i.name)
                    .collect(),
            })?;
        let config = Config {
            read_timeout: Some(cfg.poll),
            read_buffer_size: 65_536 + 64,
            promiscuous: cfg.promisc,
            ..Config::default()
        };
        let rx = match pnet_datalink::channel(&ni, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => return Err(LiveError::Backend("pnet: unknown channel type".into())),
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                return Err(LiveError::Permission {
                    iface: iface.name.clone(),
                });
            }
            Err(e) => return Err(LiveError::Backend(format!("pnet: {e}"))),
        };
        Ok(PnetSource {
            rx,
            name: iface.name.clone(),
            link: iface.link,
            snaplen: cfg.snaplen,
            stop: cfg.stop.clone(),
            deadline: cfg.deadline,
            buf: Vec::with_capacity(65_536),
            seen: 0,
            failed: AtomicBool::new(false),
        })
    }
}

impl PacketSource for PnetSource {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        let orig = loop {
            if (self.stop)() || self.deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            match self.rx.next() {
                Ok(p) => {
                    // Copied: the borrow of the receiver cannot outlive this loop.
                    let keep = p.len().min(self.snaplen as usize);
                    self.buf.clear();
                    self.buf.extend_from_slice(p.get(..keep).unwrap_or(p));
                    break p.len();
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut
                            | io::ErrorKind::WouldBlock
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => {
                    self.failed.store(true, Ordering::Relaxed);
                    return Some(Err(CaptureError::Io {
                        offset: self.seen,
                        source: e,
                    }));
                }
            }
        };
        self.seen += 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Some(Ok(RawPacket {
            ts_sec: i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
            ts_nsec: now.subsec_micros() * 1000,
            caplen: u32::try_from(self.buf.len()).unwrap_or(u32::MAX),
            orig_len: u32::try_from(orig).unwrap_or(u32::MAX),
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

impl LiveSource for PnetSource {
    fn link(&self) -> LinkTypeNumber {
        self.link
    }

    /// pnet has no kernel counters: every packet read counts as received, none dropped.
    fn stats(&mut self) -> LiveStats {
        LiveStats {
            received: self.seen,
            dropped: 0,
        }
    }
}
