//! The send loops of `send` (layer 3) and `sendp` (layer 2): one socket for the whole
//! command, batches of [`sock::BATCH`] packets per `sendmmsg` call, paced to a rate, an
//! interval, or as fast as the socket takes them. Every loop is bounded by its count and
//! stops at SIGINT/SIGTERM (the `stop` function).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::TxError;
use super::sock::{self, PacketSock, RawIp};

/// How fast to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// As fast as the socket takes them (`--rate max`, or no rate given).
    Max,
    /// Packets per second (`--rate PPS`).
    Rate(f64),
    /// One packet, then this pause (`--interval S`).
    Interval(Duration),
}

/// What went out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Report {
    /// Packets sent.
    pub packets: u64,
    /// Bytes sent (as given to the socket: IP datagrams or whole frames).
    pub bytes: u64,
    /// From the first send to the last.
    pub elapsed: Duration,
}

impl Report {
    /// Packets per second over [`Report::elapsed`].
    pub fn pps(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.packets as f64 / s
        } else {
            0.0
        }
    }
}

/// Where packets go.
pub enum Sink {
    /// Layer 3: raw IPv4 and IPv6 sockets (opened on first use).
    L3 {
        /// IPv4 socket.
        v4: Option<RawIp>,
        /// IPv6 socket.
        v6: Option<RawIp>,
        /// Interface to bind to.
        bind: Option<String>,
    },
    /// Layer 2: a packet socket on one interface.
    L2(PacketSock),
}

impl Sink {
    /// A layer-3 sink.
    pub fn l3(bind: Option<String>) -> Sink {
        Sink::L3 {
            v4: None,
            v6: None,
            bind,
        }
    }

    /// A layer-2 sink on interface index `ifindex` (named `name` in errors); `bypass`
    /// skips the queueing discipline (for `--rate max`).
    pub fn l2(ifindex: u32, name: &str, bypass: bool) -> Result<Sink, TxError> {
        // This socket only sends: bound to no ethertype, it is handed no frame (and the
        // empty program would drop any).
        let s = PacketSock::open(ifindex, false, Some(&sock::DROP_ALL[..]), sock::SEND_ONLY)
            .map_err(|e| TxError::os(format!("a packet socket on {name}"), e))?;
        if bypass {
            let _ = s.bypass_qdisc();
        }
        Ok(Sink::L2(s))
    }

    /// Opens the layer-3 socket of a family now (it is opened at the first send
    /// otherwise), so that a timed send does not include its opening. Nothing at layer 2.
    pub fn ready(&mut self, v6: bool) -> Result<(), TxError> {
        if matches!(self, Sink::L3 { .. }) {
            self.raw(v6)?;
        }
        Ok(())
    }

    fn raw(&mut self, v6: bool) -> Result<&RawIp, TxError> {
        let Sink::L3 { v4, v6: s6, bind } = self else {
            return Err(TxError::Unsendable("not a layer-3 sink".into()));
        };
        let slot = if v6 { s6 } else { v4 };
        if slot.is_none() {
            *slot = Some(RawIp::open(v6, bind.as_deref()).map_err(|e| {
                TxError::os(format!("a raw IPv{} socket", if v6 { 6 } else { 4 }), e)
            })?);
        }
        slot.as_ref()
            .ok_or_else(|| TxError::Unsendable("no socket".into()))
    }

    /// Sends `batch` (at most [`sock::BATCH`]): datagrams with their destinations for
    /// layer 3 (one family per call), frames for layer 2. Returns how many went out, and
    /// the wall-clock time taken just before the system call (the probes' send time).
    pub fn send_batch(
        &mut self,
        batch: &[(&[u8], Option<IpAddr>)],
    ) -> Result<(usize, Duration), TxError> {
        match self {
            Sink::L2(s) => {
                let frames: Vec<&[u8]> = batch.iter().map(|(b, _)| *b).collect();
                s.send_batch(&frames)
                    .map_err(|e| TxError::os("sending on the packet socket", e))
            }
            Sink::L3 { .. } => {
                let Some(v6) = batch.first().and_then(|(_, d)| *d).map(|d| d.is_ipv6()) else {
                    return Err(TxError::Unsendable(
                        "a layer-3 packet without a destination".into(),
                    ));
                };
                let run: Vec<(&[u8], IpAddr)> = batch
                    .iter()
                    .map_while(|(b, d)| d.filter(|d| d.is_ipv6() == v6).map(|d| (*b, d)))
                    .collect();
                let s = self.raw(v6)?;
                s.send_batch(&run).map_err(|e| {
                    TxError::os(
                        format!(
                            "sending to {}",
                            run.first().map_or_else(String::new, |r| r.1.to_string())
                        ),
                        e,
                    )
                })
            }
        }
    }
}

/// Sends `packets` (bytes, layer-3 destination) in order, `rounds` times, paced by
/// `pace`; stops early when `stop()` says so. `ENOBUFS` (a full device queue) is waited
/// out, not counted as sent.
pub fn run(
    sink: &mut Sink,
    packets: &[(Vec<u8>, Option<IpAddr>)],
    rounds: u64,
    pace: Pace,
    stop: &dyn Fn() -> bool,
) -> Result<Report, TxError> {
    let mut rep = Report::default();
    if packets.is_empty() || rounds == 0 {
        return Ok(rep);
    }
    let total = (packets.len() as u64).saturating_mul(rounds);
    let start = Instant::now();
    let mut k: u64 = 0;
    let per_call = match pace {
        Pace::Max => sock::BATCH,
        Pace::Rate(r) if r >= 10_000.0 => sock::BATCH,
        _ => 1,
    };
    let mut batch: Vec<(&[u8], Option<IpAddr>)> = Vec::with_capacity(per_call);
    let mut enobufs = 0u32;
    while k < total {
        if stop() {
            break;
        }
        // Pacing: the k-th packet leaves no earlier than k/rate (or k intervals) after the
        // start.
        let due = match pace {
            Pace::Max => None,
            Pace::Rate(r) => Some(Duration::from_secs_f64(k as f64 / r.max(1e-9))),
            Pace::Interval(i) => i.checked_mul(u32::try_from(k).unwrap_or(u32::MAX)),
        };
        if let Some(due) = due {
            let now = start.elapsed();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        batch.clear();
        let n = per_call.min(usize::try_from(total - k).unwrap_or(per_call));
        for j in 0..n as u64 {
            let idx = usize::try_from((k + j) % packets.len() as u64).unwrap_or(0);
            if let Some((b, d)) = packets.get(idx) {
                batch.push((b.as_slice(), *d));
            }
        }
        match sink.send_batch(&batch) {
            Ok((sent, _)) => {
                enobufs = 0;
                for (b, _) in batch.iter().take(sent) {
                    rep.bytes += b.len() as u64;
                }
                rep.packets += sent as u64;
                k += sent as u64;
            }
            Err(TxError::Os { source, .. }) if source.raw_os_error() == Some(libc::ENOBUFS) => {
                // The device queue is full: wait for it (bounded: 10 s of full queue).
                enobufs += 1;
                if enobufs > 100_000 {
                    return Err(TxError::Os {
                        what: "sending: the device queue stayed full for 10 s".into(),
                        source,
                    });
                }
                std::thread::sleep(Duration::from_micros(100));
            }
            Err(e) => return Err(e),
        }
    }
    rep.elapsed = start.elapsed();
    Ok(rep)
}
