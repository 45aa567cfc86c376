//! Several sources as one: merged by timestamp as `mergecap` merges files, or one after the
//! other (`pktforge read A B` and `read --no-merge A B`).
//!
//! Of packets with the same time, the one of the source given *last* comes first: that is
//! how `mergecap` orders them (Wireshark's `merge_read_packet` scans the files in order and
//! takes the last one whose next packet is not later than the earliest seen), and the
//! merged lines are those of `mergecap -F pcap` then `tcpdump`, tie for tie. Within one
//! source the order never changes. Each source's next packet is copied into a
//! buffer of its own (reused, so nothing is allocated per packet once the buffers have
//! grown), which lets the merge look at every source's next packet at once.
//!
//! A source that fails (a record cut short at the end of a file) ends there; the others are
//! still read to their end, and the first failure is lent last, named by
//! [`PacketSource::name`], so that every readable packet is output before it is reported.
//!
//! ```
//! use pktforge::capture::{LinkTypeNumber, MemorySource, MergeSource, OwnedPacket, PacketSource};
//! let at = |sec, byte| OwnedPacket {
//!     ts_sec: sec, ts_nsec: 0, orig_len: 1, link: LinkTypeNumber::ETHERNET, interface: 0,
//!     data: vec![byte],
//! };
//! let a = MemorySource::new(vec![at(1, b'a'), at(3, b'a')]);
//! let b = MemorySource::new(vec![at(1, b'b'), at(2, b'b')]);
//! let mut m = MergeSource::merged(vec![a, b]);
//! let mut order = Vec::new();
//! while let Some(Ok(p)) = m.next_packet() {
//!     order.push((p.ts_sec, p.data[0]));
//! }
//! assert_eq!(order, [(1, b'b'), (1, b'a'), (2, b'b'), (3, b'a')]);
//! ```

use super::{CaptureError, CaptureReader, LinkTypeNumber, PacketSource, RawPacket};

/// A packet copied out of its source.
#[derive(Debug)]
struct Head {
    ts_sec: i64,
    ts_nsec: u32,
    orig_len: u32,
    link: LinkTypeNumber,
    interface: u32,
    data: Vec<u8>,
    comment: Option<String>,
}

impl Default for Head {
    fn default() -> Self {
        Head {
            ts_sec: 0,
            ts_nsec: 0,
            orig_len: 0,
            link: LinkTypeNumber::ETHERNET,
            interface: 0,
            data: Vec::new(),
            comment: None,
        }
    }
}

impl Head {
    /// Copies `p` into this buffer (reusing its memory).
    fn fill(&mut self, p: &RawPacket<'_>) {
        self.ts_sec = p.ts_sec;
        self.ts_nsec = p.ts_nsec;
        self.orig_len = p.orig_len;
        self.link = p.link;
        self.interface = p.interface;
        self.data.clear();
        self.data.extend_from_slice(p.data);
        match (p.comment, &mut self.comment) {
            (None, c) => *c = None,
            (Some(s), Some(c)) => {
                c.clear();
                c.push_str(s);
            }
            (Some(s), c) => *c = Some(s.to_string()),
        }
    }
}

/// One of the sources, with its next packet.
#[derive(Debug)]
struct Input<S> {
    src: S,
    head: Head,
    has_head: bool,
    done: bool,
    /// A mapped file's pages before this offset have been released.
    released: u64,
}

/// Once this many bytes of a mapped input are copied out, their pages are released: the
/// head packet is a copy, so nothing borrows them (without this, merging two mapped files
/// of 2 GiB kept 2.7 GiB resident; scripts/rss_modes.sh).
const RELEASE_STEP: u64 = 16 << 20;

/// Several packet sources read as one, merged by time or one after the other.
#[derive(Debug)]
pub struct MergeSource<S: PacketSource> {
    inputs: Vec<Input<S>>,
    merge: bool,
    /// The packet lent last.
    lent: Head,
    /// The input it came from (or that failed), for [`PacketSource::name`].
    current: usize,
    /// The first failure, kept until every other source has ended.
    failure: Option<(usize, CaptureError)>,
    /// Bytes lent so far ([`RawPacket::offset`] of the merged stream).
    offset: u64,
}

impl<S: PacketSource> MergeSource<S> {
    /// The packets of all `sources` in time order, as `mergecap` merges files (of equal
    /// times, the later source's packet first, as `mergecap` does).
    pub fn merged(sources: Vec<S>) -> Self {
        Self::new(sources, true)
    }

    /// The packets of each source in turn, as `mergecap -a` concatenates files.
    pub fn chained(sources: Vec<S>) -> Self {
        Self::new(sources, false)
    }

    fn new(sources: Vec<S>, merge: bool) -> Self {
        MergeSource {
            inputs: sources
                .into_iter()
                .map(|src| Input {
                    src,
                    head: Head::default(),
                    has_head: false,
                    done: false,
                    released: 0,
                })
                .collect(),
            merge,
            lent: Head::default(),
            current: 0,
            failure: None,
            offset: 0,
        }
    }

    /// The sources, in the order given.
    pub fn sources(&self) -> impl Iterator<Item = &S> {
        self.inputs.iter().map(|i| &i.src)
    }

    /// Reads the next packet of input `i` into its buffer, unless it has one or ended.
    fn fill(&mut self, i: usize) {
        let Some(input) = self.inputs.get_mut(i) else {
            return;
        };
        if input.has_head || input.done {
            return;
        }
        match input.src.next_packet() {
            Some(Ok(p)) => {
                input.head.fill(&p);
                input.has_head = true;
                let pos = input.src.position().unwrap_or(0);
                if pos >= input.released.saturating_add(RELEASE_STEP) {
                    if let Some(m) = input.src.capture_reader().and_then(|r| r.mapped()) {
                        m.release(input.released as usize..pos as usize);
                    }
                    input.released = pos;
                }
            }
            Some(Err(e)) => {
                input.done = true;
                if self.failure.is_none() {
                    self.failure = Some((i, e));
                }
            }
            None => input.done = true,
        }
    }

    /// The input whose packet comes next.
    fn pick(&mut self) -> Option<usize> {
        if self.merge {
            for i in 0..self.inputs.len() {
                self.fill(i);
            }
            let mut best: Option<(usize, (i64, u32))> = None;
            for (i, input) in self.inputs.iter().enumerate() {
                let t = (input.head.ts_sec, input.head.ts_nsec);
                // Not later: of equal times the later source wins, as in mergecap.
                if input.has_head && best.is_none_or(|(_, b)| t <= b) {
                    best = Some((i, t));
                }
            }
            best.map(|(i, _)| i)
        } else {
            for i in 0..self.inputs.len() {
                self.fill(i);
                if self.inputs.get(i).is_some_and(|x| x.has_head) {
                    return Some(i);
                }
            }
            None
        }
    }
}

impl<S: PacketSource> PacketSource for MergeSource<S> {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        let Some(i) = self.pick() else {
            let (i, e) = self.failure.take()?;
            self.current = i;
            return Some(Err(e));
        };
        let input = self.inputs.get_mut(i)?;
        std::mem::swap(&mut self.lent, &mut input.head);
        input.has_head = false;
        self.current = i;
        let offset = self.offset;
        self.offset = self.offset.saturating_add(self.lent.data.len() as u64);
        let h = &self.lent;
        Some(Ok(RawPacket {
            ts_sec: h.ts_sec,
            ts_nsec: h.ts_nsec,
            caplen: u32::try_from(h.data.len()).unwrap_or(u32::MAX),
            orig_len: h.orig_len,
            link: h.link,
            interface: h.interface,
            offset,
            data: &h.data,
            comment: h.comment.as_deref(),
        }))
    }

    fn name(&self) -> &str {
        self.inputs.get(self.current).map_or("", |i| i.src.name())
    }

    fn flush_now(&mut self) -> bool {
        self.inputs
            .get_mut(self.current)
            .is_some_and(|i| i.src.flush_now())
    }

    fn position(&self) -> Option<u64> {
        self.inputs
            .iter()
            .try_fold(0u64, |sum, i| Some(sum.saturating_add(i.src.position()?)))
    }

    /// Never one reader: a merge is read packet by packet.
    fn capture_reader(&self) -> Option<&CaptureReader> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{MemorySource, OwnedPacket};

    fn at(sec: i64, nsec: u32, tag: u8) -> OwnedPacket {
        OwnedPacket {
            ts_sec: sec,
            ts_nsec: nsec,
            orig_len: 1,
            link: LinkTypeNumber::ETHERNET,
            interface: 0,
            data: vec![tag],
        }
    }

    fn drain<S: PacketSource>(m: &mut MergeSource<S>) -> Vec<(i64, u32, u8)> {
        let mut v = Vec::new();
        while let Some(Ok(p)) = m.next_packet() {
            v.push((p.ts_sec, p.ts_nsec, p.data.first().copied().unwrap_or(0)));
        }
        v
    }

    #[test]
    fn merge_is_by_time_ties_to_the_later_source() {
        // The order mergecap 4 gives three files with these times (checked by hand with
        // `mergecap -F pcap` and `tcpdump -xx`; tests/read_merge.rs compares real files).
        let a = MemorySource::new(vec![
            at(1, 0, 0x11),
            at(1, 0, 0x12),
            at(2, 0, 0x13),
            at(3, 0, 0x14),
        ]);
        let b = MemorySource::new(vec![at(1, 0, 0x21), at(2, 0, 0x22), at(2, 0, 0x23)]);
        let c = MemorySource::new(vec![at(1, 0, 0x31), at(3, 0, 0x32)]);
        let e = MemorySource::new(vec![]);
        let mut m = MergeSource::merged(vec![a, b, e, c]);
        let tags: Vec<u8> = drain(&mut m).into_iter().map(|x| x.2).collect();
        assert_eq!(tags, [0x31, 0x21, 0x11, 0x12, 0x22, 0x23, 0x13, 0x32, 0x14]);
        assert!(m.next_packet().is_none());
    }

    #[test]
    fn chained_keeps_each_source_whole() {
        let a = MemorySource::new(vec![at(5, 0, 1), at(6, 0, 1)]);
        let b = MemorySource::new(vec![at(1, 0, 2)]);
        let mut m = MergeSource::chained(vec![a, b]);
        assert_eq!(drain(&mut m), [(5, 0, 1), (6, 0, 1), (1, 0, 2)]);
        assert_eq!(m.name(), "memory");
    }

    #[test]
    fn no_source_is_empty() {
        let mut m: MergeSource<MemorySource> = MergeSource::merged(vec![]);
        assert!(m.next_packet().is_none());
        assert_eq!(m.name(), "");
        assert_eq!(m.position(), Some(0));
    }
}
