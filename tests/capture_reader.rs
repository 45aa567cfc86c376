//! The capture reader on real recordings (`captures/`), on files written by the two
//! writers, and on hand-built hostile files: each gives the outcome documented in
//! `pktforge::capture::reader`.

use std::io::{self, Read, Write};
use std::path::Path;

use pktforge::capture::reader::MAX_RECORD_LEN;
use pktforge::capture::{
    CaptureError, CaptureReader, FileFormat, LinkTypeNumber, PcapNgWriter, PcapWriter,
};

/// A packet copied out of the reader.
#[derive(Debug, Clone, PartialEq)]
struct Owned {
    ts: (i64, u32),
    orig_len: u32,
    link: u32,
    interface: u32,
    data: Vec<u8>,
    comment: Option<String>,
}

/// Every packet, and the error that ended the file (if any).
fn read_all(r: &mut CaptureReader) -> (Vec<Owned>, Option<CaptureError>) {
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        match p {
            Ok(p) => {
                assert_eq!(p.caplen as usize, p.data.len());
                v.push(Owned {
                    ts: (p.ts_sec, p.ts_nsec),
                    orig_len: p.orig_len,
                    link: p.link.0,
                    interface: p.interface,
                    data: p.data.to_vec(),
                    comment: p.comment.map(str::to_owned),
                });
            }
            Err(e) => {
                // After an error the reader stays at its end.
                assert!(r.next_packet().is_none());
                return (v, Some(e));
            }
        }
    }
    assert!(r.next_packet().is_none());
    (v, None)
}

fn read_bytes(b: Vec<u8>) -> Result<(Vec<Owned>, Option<CaptureError>), CaptureError> {
    let mut r = CaptureReader::from_read(Box::new(io::Cursor::new(b)))?;
    Ok(read_all(&mut r))
}

fn read_file(path: &str) -> (CaptureReader, Vec<Owned>) {
    let mut r = CaptureReader::open(Path::new(path)).unwrap();
    let (v, e) = read_all(&mut r);
    assert!(e.is_none(), "{path}: {e:?}");
    (r, v)
}

/// A source that hands out at most `chunk` bytes per read.
struct Dribble {
    data: Vec<u8>,
    at: usize,
    chunk: usize,
}

impl Read for Dribble {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.chunk).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------- building files by hand

/// A classic pcap header.
fn pcap_header(magic: u32, be: bool, snaplen: u32, link: u32) -> Vec<u8> {
    let mut v = Vec::new();
    let w32 = |v: &mut Vec<u8>, x: u32| {
        v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
    };
    w32(&mut v, magic);
    let (maj, min) = if be {
        (2u16.to_be_bytes(), 4u16.to_be_bytes())
    } else {
        (2u16.to_le_bytes(), 4u16.to_le_bytes())
    };
    v.extend_from_slice(&maj);
    v.extend_from_slice(&min);
    w32(&mut v, 0);
    w32(&mut v, 0);
    w32(&mut v, snaplen);
    w32(&mut v, link);
    v
}

/// A classic pcap record.
fn pcap_record(be: bool, sec: u32, frac: u32, caplen: u32, orig: u32, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [sec, frac, caplen, orig] {
        v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() });
    }
    v.extend_from_slice(data);
    v
}

/// pcapng blocks in either byte order.
struct Ng {
    be: bool,
    out: Vec<u8>,
}

impl Ng {
    fn new(be: bool) -> Self {
        Ng {
            be,
            out: Vec::new(),
        }
    }
    fn u16(&self, x: u16) -> [u8; 2] {
        if self.be {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    }
    fn u32(&self, x: u32) -> [u8; 4] {
        if self.be {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    }
    fn opt(&self, code: u16, val: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&self.u16(code));
        v.extend_from_slice(&self.u16(val.len() as u16));
        v.extend_from_slice(val);
        v.resize(v.len().next_multiple_of(4), 0);
        v
    }
    /// A block with an honest length.
    fn block(&mut self, btype: u32, body: &[u8]) -> &mut Self {
        let len = body.len() as u32 + 12;
        self.raw_block(btype, len, body, len)
    }
    /// A block with the given length fields.
    fn raw_block(&mut self, btype: u32, len: u32, body: &[u8], trailer: u32) -> &mut Self {
        let (a, b, c) = (self.u32(btype), self.u32(len), self.u32(trailer));
        self.out.extend_from_slice(&a);
        self.out.extend_from_slice(&b);
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(&c);
        self
    }
    fn shb(&mut self, comment: Option<&str>) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32(0x1A2B_3C4D));
        b.extend_from_slice(&self.u16(1));
        b.extend_from_slice(&self.u16(0));
        b.extend_from_slice(&[0xff; 8]);
        if let Some(c) = comment {
            b.extend(self.opt(1, c.as_bytes()));
            b.extend(self.opt(0, &[]));
        }
        self.block(0x0A0D_0D0A, &b)
    }
    fn idb(
        &mut self,
        link: u16,
        snaplen: u32,
        tsresol: Option<u8>,
        tsoffset: Option<i64>,
    ) -> &mut Self {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u16(link));
        b.extend_from_slice(&self.u16(0));
        b.extend_from_slice(&self.u32(snaplen));
        if let Some(r) = tsresol {
            b.extend(self.opt(9, &[r]));
        }
        if let Some(o) = tsoffset {
            let v = if self.be {
                o.to_be_bytes()
            } else {
                o.to_le_bytes()
            };
            b.extend(self.opt(14, &v));
        }
        b.extend(self.opt(2, b"eth0"));
        b.extend(self.opt(0, &[]));
        self.block(1, &b)
    }
    fn epb_body(
        &self,
        if_id: u32,
        ts: u64,
        caplen: u32,
        orig: u32,
        data: &[u8],
        comment: Option<&str>,
    ) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32(if_id));
        b.extend_from_slice(&self.u32((ts >> 32) as u32));
        b.extend_from_slice(&self.u32(ts as u32));
        b.extend_from_slice(&self.u32(caplen));
        b.extend_from_slice(&self.u32(orig));
        b.extend_from_slice(data);
        b.resize(b.len().next_multiple_of(4), 0);
        if let Some(c) = comment {
            b.extend(self.opt(1, c.as_bytes()));
            b.extend(self.opt(0, &[]));
        }
        b
    }
    fn epb(&mut self, if_id: u32, ts: u64, data: &[u8], comment: Option<&str>) -> &mut Self {
        let b = self.epb_body(
            if_id,
            ts,
            data.len() as u32,
            data.len() as u32 + 10,
            data,
            comment,
        );
        self.block(6, &b)
    }
    fn pb(&mut self, if_id: u16, ts: u64, data: &[u8], comment: Option<&str>) -> &mut Self {
        let mut b = self.epb_body(0, ts, data.len() as u32, data.len() as u32, data, comment);
        let (id, drops) = (self.u16(if_id), self.u16(7));
        b[0..2].copy_from_slice(&id);
        b[2..4].copy_from_slice(&drops);
        self.block(2, &b)
    }
    fn spb(&mut self, orig: u32, data: &[u8]) -> &mut Self {
        let mut b = self.u32(orig).to_vec();
        b.extend_from_slice(data);
        b.resize(b.len().next_multiple_of(4), 0);
        self.block(3, &b)
    }
}

fn ng_with_iface() -> Ng {
    let mut ng = Ng::new(false);
    ng.shb(None).idb(1, 0, None, None);
    ng
}

// ---------------------------------------------------------------- real recordings

#[test]
fn recordings_agree_across_formats() {
    let (r, usec) = read_file("captures/server-ether.pcap");
    assert!(matches!(
        r.format(),
        FileFormat::Pcap {
            nanosecond: false,
            big_endian: false,
            link: LinkTypeNumber::ETHERNET,
            ..
        }
    ));
    let (r, nsec) = read_file("captures/server-ether-nsec.pcap");
    assert!(matches!(
        r.format(),
        FileFormat::Pcap {
            nanosecond: true,
            ..
        }
    ));
    let (r, ng) = read_file("captures/server-ether.pcapng");
    assert_eq!(r.format(), FileFormat::PcapNg);
    assert_eq!(usec.len(), 114);
    assert_eq!(nsec.len(), 114);
    assert_eq!(ng.len(), 114);
    for ((a, b), c) in usec.iter().zip(&nsec).zip(&ng) {
        assert_eq!(a.data, b.data);
        assert_eq!(a.data, c.data);
        assert_eq!(a.orig_len, c.orig_len);
        assert_eq!(a.ts.0, b.ts.0);
        assert_eq!(a.ts.1, b.ts.1 / 1000 * 1000);
        assert_eq!(c.ts, b.ts, "pcapng keeps nanoseconds");
        assert_eq!(a.link, 1);
    }
    // The pcap's end is the file size.
    let (r, _) = read_file("captures/server-ether.pcap");
    assert_eq!(
        r.bytes_read(),
        std::fs::metadata("captures/server-ether.pcap")
            .unwrap()
            .len()
    );
}

#[test]
fn recordings_link_types_and_interfaces() {
    for (f, link) in [
        ("captures/mixed-sll.pcap", 113),
        ("captures/mixed-sll.pcapng", 113),
        ("captures/mixed-sll2.pcap", 276),
        ("captures/mixed-sll2.pcapng", 276),
    ] {
        let (_, v) = read_file(f);
        assert_eq!(v.len(), 241, "{f}");
        assert!(v.iter().all(|p| p.link == link), "{f}");
    }
    let (r, v) = read_file("captures/router-2if.pcapng");
    assert_eq!(r.interfaces().len(), 2);
    assert_eq!(v.iter().filter(|p| p.interface == 0).count(), 129);
    assert_eq!(v.iter().filter(|p| p.interface == 1).count(), 114);
}

// ---------------------------------------------------------------- round trips through the writers

#[test]
fn pcap_writer_round_trip() {
    for nano in [false, true] {
        let mut w = if nano {
            PcapWriter::new_nanosecond(Vec::new(), LinkTypeNumber::RAW).unwrap()
        } else {
            PcapWriter::new(Vec::new(), LinkTypeNumber::RAW).unwrap()
        };
        w.write_record(1_700_000_000, 123_456_789, 1500, &[0x45, 1, 2])
            .unwrap();
        w.write_record(4_000_000_000, 999_999_999, 0, &[]).unwrap();
        let (v, e) = read_bytes(w.into_inner().unwrap()).unwrap();
        assert!(e.is_none());
        let frac = if nano { 123_456_789 } else { 123_456_000 };
        assert_eq!(v[0].ts, (1_700_000_000, frac));
        assert_eq!(v[0].orig_len, 1500);
        assert_eq!(v[0].data, [0x45, 1, 2]);
        assert_eq!(v[0].link, 101);
        assert_eq!(v[1].ts.0, 4_000_000_000, "seconds are unsigned");
        assert_eq!(v[1].data, Vec::<u8>::new());
    }
}

#[test]
fn pcapng_writer_round_trip() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.write_record(LinkTypeNumber::ETHERNET, 10, 1, 60, &[1; 60], Some("first"))
        .unwrap();
    w.write_record(
        LinkTypeNumber::LINUX_SLL2,
        11,
        999_999_999,
        99,
        &[2; 7],
        None,
    )
    .unwrap();
    w.write_record(LinkTypeNumber::ETHERNET, 12, 5, 3, &[3; 3], Some("ünï"))
        .unwrap();
    let mut r =
        CaptureReader::from_read(Box::new(io::Cursor::new(w.into_inner().unwrap()))).unwrap();
    let (v, e) = read_all(&mut r);
    assert!(e.is_none());
    let got: Vec<_> = v
        .iter()
        .map(|p| {
            (
                p.link,
                p.interface,
                p.ts,
                p.orig_len,
                p.data.len(),
                p.comment.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 0, (10, 1), 60, 60, Some("first")),
            (276, 1, (11, 999_999_999), 99, 7, None),
            (1, 0, (12, 5), 3, 3, Some("ünï")),
        ]
    );
    assert_eq!(r.interfaces().len(), 2);
    assert_eq!(r.interfaces()[0].units_per_sec, 1_000_000_000);
    // A captured file copied record by record gives the same packets.
    let (_, orig) = read_file("captures/router-2if.pcapng");
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    for p in &orig {
        w.write_record(
            LinkTypeNumber(p.link),
            p.ts.0,
            p.ts.1,
            p.orig_len,
            &p.data,
            None,
        )
        .unwrap();
    }
    let (copy, e) = read_bytes(w.into_inner().unwrap()).unwrap();
    assert!(e.is_none());
    assert_eq!(copy.len(), orig.len());
    for (a, b) in orig.iter().zip(&copy) {
        assert_eq!(
            (a.ts, a.orig_len, a.link, &a.data),
            (b.ts, b.orig_len, b.link, &b.data)
        );
    }
}

// ---------------------------------------------------------------- formats

#[test]
fn pcap_byte_orders_and_resolutions() {
    for be in [false, true] {
        for (magic, frac, ns) in [(0xa1b2_c3d4u32, 5u32, 5000u32), (0xa1b2_3c4d, 5, 5)] {
            let mut f = pcap_header(magic, be, 65535, 228);
            f.extend(pcap_record(be, 7, frac, 4, 40, &[0x45, 0, 0, 40]));
            // A fraction of a second or more is carried into the seconds.
            f.extend(pcap_record(be, 7, 2_000_000_000, 0, 0, &[]));
            let mut r = CaptureReader::from_read(Box::new(io::Cursor::new(f))).unwrap();
            assert!(matches!(r.format(), FileFormat::Pcap { big_endian, .. } if big_endian == be));
            let (v, e) = read_all(&mut r);
            assert!(e.is_none());
            assert_eq!(v[0].ts, (7, ns));
            assert_eq!((v[0].orig_len, v[0].link), (40, 228));
            assert!(v[1].ts.0 > 7 && v[1].ts.1 < 1_000_000_000);
        }
    }
}

#[test]
fn pcap_modified_format_and_old_versions() {
    // Kuznetzov's format: 24-byte record headers (ifindex, protocol, pkt_type, pad).
    let mut f = pcap_header(0xa1b2_cd34, false, 65535, 1);
    f.extend(pcap_record(false, 1, 2, 3, 3, &[0; 8]));
    f.extend([9, 9, 9]);
    let (v, e) = read_bytes(f).unwrap();
    assert!(e.is_none());
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].data, [9, 9, 9]);
    // Version 2.2 with caplen and orig_len swapped: fixed up.
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    f[6] = 2;
    f.extend(pcap_record(false, 1, 2, 60, 4, &[1, 2, 3, 4]));
    let (v, e) = read_bytes(f).unwrap();
    assert!(e.is_none());
    assert_eq!((v[0].data.len(), v[0].orig_len), (4, 60));
}

#[test]
fn pcapng_sections_interfaces_and_blocks() {
    let mut ng = Ng::new(false);
    ng.shb(Some("section one"))
        .idb(1, 0, None, None) // microseconds
        .idb(101, 0, Some(3), Some(100)) // milliseconds, +100 s
        .epb(0, 1_500_000, &[1, 2, 3], Some("a comment"))
        .epb(1, 2_500, &[4], None)
        .block(0x0000_0005, &[0; 8]) // ISB: skipped
        .block(0x0BAD_0BAD, &[1, 2, 3, 4]) // unknown: skipped
        .pb(1, 3_000, &[5, 6], Some("old"));
    let mut be = Ng::new(true);
    be.shb(None)
        .idb(229, 4, Some(0x80 | 10), Some(-5)) // 1/1024 s, -5 s, snaplen 4
        .epb(0, 1024 * 10 + 512, &[6; 4], None)
        .spb(100, &[7; 8]); // cut to the snaplen, 4
    ng.out.extend(be.out);
    let mut r = CaptureReader::from_read(Box::new(io::Cursor::new(ng.out))).unwrap();
    let (v, e) = read_all(&mut r);
    assert!(e.is_none(), "{e:?}");
    let got: Vec<_> = v
        .iter()
        .map(|p| {
            (
                p.link,
                p.interface,
                p.ts,
                p.data.clone(),
                p.comment.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 0, (1, 500_000_000), vec![1, 2, 3], Some("a comment")),
            (101, 1, (102, 500_000_000), vec![4], None),
            (101, 1, (103, 0), vec![5, 6], Some("old")),
            (229, 2, (5, 500_000_000), vec![6; 4], None),
            (229, 2, (0, 0), vec![7; 4], None),
        ]
    );
    assert_eq!(v[4].orig_len, 100);
    assert_eq!(r.interfaces().len(), 3);
    assert_eq!(r.interfaces()[2].section, 1);
    assert_eq!(r.interfaces()[0].name.as_deref(), Some("eth0"));
    assert_eq!(r.section_comment(), None, "the second section has none");
}

#[test]
fn gzip_and_small_reads() {
    let raw = std::fs::read("captures/mixed-sll2.pcapng").unwrap();
    let (plain, _) = read_bytes(raw.clone()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    let mut r = CaptureReader::from_read(Box::new(io::Cursor::new(gz.clone()))).unwrap();
    assert!(r.is_compressed());
    let (v, e) = read_all(&mut r);
    assert!(e.is_none());
    assert_eq!(v, plain);
    assert_eq!(r.bytes_read(), raw.len() as u64);
    // A source that gives a few bytes per read changes nothing.
    for chunk in [1, 3, 4093] {
        let src = Dribble {
            data: raw.clone(),
            at: 0,
            chunk,
        };
        let mut r = CaptureReader::from_read(Box::new(src)).unwrap();
        assert_eq!(read_all(&mut r).0, plain);
    }
    // A gzip stream cut in half: the packets before the cut, then an error.
    let mut bad = gz.clone();
    bad.truncate(gz.len() / 2);
    let (v, e) = read_bytes(bad).unwrap();
    assert!(!v.is_empty() && v.len() < plain.len());
    assert!(e.is_some());
    assert_eq!(v[..], plain[..v.len()]);
    // Garbage after the gzip header: an I/O error naming the offset reached.
    let mut bad = gz[..10].to_vec();
    bad.extend([0xff; 64]);
    match read_bytes(bad) {
        Err(CaptureError::Io { offset: 0, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn record_bigger_than_the_buffer() {
    let big: Vec<u8> = (0..3_000_000u32).map(|i| i as u8).collect();
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    f.extend(pcap_record(
        false,
        1,
        0,
        big.len() as u32,
        big.len() as u32,
        &big,
    ));
    f.extend(pcap_record(false, 2, 0, 1, 1, &[7]));
    let (v, e) = read_bytes(f).unwrap();
    assert!(e.is_none());
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].data, big);
    assert_eq!(v[1].data, [7]);
}

// ---------------------------------------------------------------- hostile files

#[test]
fn not_a_capture() {
    assert!(matches!(read_bytes(vec![]), Err(CaptureError::Empty)));
    match read_bytes(b"GET / HTTP/1.1\r\n".to_vec()) {
        Err(CaptureError::NotACapture { magic }) => assert_eq!(&magic, b"GET "),
        other => panic!("{other:?}"),
    }
    match read_bytes(vec![0xd4, 0xc3]) {
        Err(CaptureError::NotACapture { magic }) => assert_eq!(magic, [0xd4, 0xc3, 0, 0]),
        other => panic!("{other:?}"),
    }
    // A pcap header cut short.
    let h = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    assert!(matches!(
        read_bytes(h[..10].to_vec()),
        Err(CaptureError::Truncated {
            offset: 0,
            needed: 24,
            available: 10
        })
    ));
    // Unknown versions.
    let mut h = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    h[4] = 3;
    let e = read_bytes(h).unwrap_err();
    assert!(matches!(e, CaptureError::BadHeader { offset: 0, .. }));
    assert_eq!(
        e.to_string(),
        "bad header at byte offset 0: pcap version 3.4 (only 2.x is known)"
    );
    let mut ng = ng_with_iface();
    ng.out[12] = 2;
    let (v, e) = read_bytes(ng.out).unwrap();
    assert!(v.is_empty());
    assert!(matches!(e, Some(CaptureError::BadHeader { offset: 0, .. })));
    // An SHB whose byte-order magic is garbage.
    let mut ng = ng_with_iface();
    ng.out[8] = 0;
    assert!(matches!(
        read_bytes(ng.out),
        Err(CaptureError::NotACapture { .. })
    ));
}

#[test]
fn truncated_last_record() {
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    for i in 0..3u8 {
        f.extend(pcap_record(false, 1, 0, 10, 10, &[i; 10]));
    }
    let whole = f.len();
    // Cut inside the data of the third record, then inside its header.
    for (cut, needed, available) in [(whole - 4, 26, 22), (whole - 20, 16, 6)] {
        let (v, e) = read_bytes(f[..cut].to_vec()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].data, [1; 10]);
        let offset = 24 + 2 * 26;
        match e {
            Some(CaptureError::Truncated {
                offset: o,
                needed: n,
                available: a,
            }) => assert_eq!((o, n, a), (offset, needed, available)),
            other => panic!("{other:?}"),
        }
    }
    let (_, e) = read_bytes(f[..whole - 4].to_vec()).unwrap();
    assert_eq!(
        e.unwrap().to_string(),
        "file cut short in the record at byte offset 76: needs 26 bytes, 22 present"
    );
    // pcapng: a block cut short.
    let mut ng = ng_with_iface();
    ng.epb(0, 1, &[1; 8], None).epb(0, 2, &[2; 8], None);
    let n = ng.out.len();
    let (v, e) = read_bytes(ng.out[..n - 5].to_vec()).unwrap();
    assert_eq!(v.len(), 1);
    assert!(matches!(
        e,
        Some(CaptureError::Truncated {
            needed: 40,
            available: 35,
            ..
        })
    ));
}

#[test]
fn caplen_over_snaplen_past_eof_and_huge() {
    // Over the snaplen: kept, as libpcap and Wireshark do.
    let mut f = pcap_header(0xa1b2_c3d4, false, 4, 1);
    f.extend(pcap_record(false, 1, 0, 8, 8, &[1; 8]));
    let (v, e) = read_bytes(f).unwrap();
    assert!(e.is_none());
    assert_eq!(v[0].data.len(), 8);
    // Past the end of the file: truncated.
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    f.extend(pcap_record(false, 1, 0, 1000, 1000, &[1; 8]));
    let (v, e) = read_bytes(f).unwrap();
    assert!(v.is_empty());
    assert!(matches!(
        e,
        Some(CaptureError::Truncated {
            offset: 24,
            needed: 1016,
            available: 24
        })
    ));
    // 4 GB claimed: refused before anything is allocated for it.
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    f.extend(pcap_record(false, 1, 0, 0xffff_fff0, 0xffff_fff0, &[1; 8]));
    let (_, e) = read_bytes(f).unwrap();
    assert!(matches!(
        e,
        Some(CaptureError::TooLarge {
            offset: 24,
            claimed: 0xffff_fff0,
            ..
        })
    ));
    // Just under the limit, in a tiny file: truncated, with a buffer that grew only with
    // the bytes that arrived.
    let mut f = pcap_header(0xa1b2_c3d4, false, 65535, 1);
    f.extend(pcap_record(
        false,
        1,
        0,
        MAX_RECORD_LEN,
        MAX_RECORD_LEN,
        &[1; 8],
    ));
    let (_, e) = read_bytes(f).unwrap();
    assert!(matches!(
        e,
        Some(CaptureError::Truncated { available: 24, .. })
    ));
    // Huge snaplen in the header: it sizes nothing.
    let mut f = pcap_header(0xa1b2_c3d4, false, u32::MAX, 1);
    f.extend(pcap_record(false, 1, 0, 2, 2, &[1, 2]));
    let (v, e) = read_bytes(f).unwrap();
    assert!(e.is_none());
    assert_eq!(v.len(), 1);
    let mut ng = Ng::new(false);
    ng.shb(None)
        .idb(1, u32::MAX, None, None)
        .epb(0, 0, &[1], None);
    let (v, e) = read_bytes(ng.out).unwrap();
    assert!(e.is_none());
    assert_eq!(v.len(), 1);
}

#[test]
fn pcapng_lying_block_lengths() {
    let body = Ng::new(false).epb_body(0, 0, 4, 4, &[1; 4], None);
    let honest = body.len() as u32 + 12;
    type Check = fn(&Option<CaptureError>) -> bool;
    let cases: Vec<(&str, u32, u32, Check)> = vec![
        ("under 12", 8, 8, |e| {
            matches!(e, Some(CaptureError::BadBlock { block_type: 6, .. }))
        }),
        ("not a multiple of 4", honest + 1, honest + 1, |e| {
            matches!(e, Some(CaptureError::BadBlock { .. }))
        }),
        ("trailer differs", honest, honest + 4, |e| {
            matches!(e, Some(CaptureError::BadBlock { .. }))
        }),
        ("longer than the file", honest + 400, honest + 400, |e| {
            matches!(e, Some(CaptureError::Truncated { .. }))
        }),
        ("4 GB", 0xffff_fff0, honest, |e| {
            matches!(
                e,
                Some(CaptureError::TooLarge {
                    claimed: 0xffff_fff0,
                    ..
                })
            )
        }),
    ];
    for (name, len, trailer, ok) in cases {
        let mut ng = ng_with_iface();
        ng.epb(0, 1, &[9; 4], None);
        let off = ng.out.len() as u64;
        ng.raw_block(6, len, &body, trailer);
        let (v, e) = read_bytes(ng.out).unwrap();
        assert_eq!(v.len(), 1, "{name}: the packet before is read");
        assert!(ok(&e), "{name}: {e:?}");
        if let Some(CaptureError::BadBlock { offset, .. } | CaptureError::TooLarge { offset, .. }) =
            e
        {
            assert_eq!(offset, off, "{name}");
        }
    }
    // A captured length running past its block.
    let mut ng = ng_with_iface();
    let body = ng.epb_body(0, 0, 400, 400, &[1; 4], None);
    ng.block(6, &body);
    let (_, e) = read_bytes(ng.out).unwrap();
    let e = e.unwrap();
    assert!(matches!(e, CaptureError::BadBlock { .. }));
    assert!(
        e.to_string().contains("captured length 400 runs past"),
        "{e}"
    );
    // An option claiming more than the block holds: the packet is kept, the comment not.
    let mut ng = ng_with_iface();
    let mut body = ng.epb_body(0, 0, 4, 4, &[1; 4], None);
    body.extend([1, 0, 200, 0, b'x', 0, 0, 0]);
    ng.block(6, &body);
    let (v, e) = read_bytes(ng.out).unwrap();
    assert!(e.is_none());
    assert_eq!(v[0].comment, None);
    assert_eq!(v[0].data, [1; 4]);
}

#[test]
fn pcapng_interface_ids_out_of_range() {
    let mut ng = ng_with_iface();
    ng.epb(0, 1, &[1], None).epb(1, 1, &[2], None);
    let (v, e) = read_bytes(ng.out).unwrap();
    assert_eq!(v.len(), 1);
    assert!(matches!(
        e,
        Some(CaptureError::UnknownInterface {
            interface: 1,
            known: 1,
            ..
        })
    ));
    // A new section forgets the interfaces of the one before.
    let mut ng = ng_with_iface();
    ng.shb(None).epb(0, 1, &[1], None);
    let (v, e) = read_bytes(ng.out).unwrap();
    assert!(v.is_empty());
    assert!(matches!(
        e,
        Some(CaptureError::UnknownInterface {
            interface: 0,
            known: 0,
            ..
        })
    ));
    // An SPB before any IDB, an obsolete PB with a bad id.
    let mut ng = Ng::new(false);
    ng.shb(None).spb(4, &[1; 4]);
    let (_, e) = read_bytes(ng.out).unwrap();
    assert!(matches!(
        e,
        Some(CaptureError::UnknownInterface { interface: 0, .. })
    ));
    let mut ng = ng_with_iface();
    ng.pb(0xffff, 0, &[1], None);
    let (_, e) = read_bytes(ng.out).unwrap();
    assert!(matches!(
        e,
        Some(CaptureError::UnknownInterface {
            interface: 0xffff,
            ..
        })
    ));
}

#[test]
fn random_garbage_never_panics() {
    // Deterministic xorshift; headers from real files with random tails and flipped bytes.
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let seeds = [
        std::fs::read("captures/server-ether.pcap").unwrap(),
        std::fs::read("captures/router-2if.pcapng").unwrap(),
    ];
    for round in 0..400 {
        let mut f = seeds[round % 2][..2000].to_vec();
        for _ in 0..(rnd() % 16) {
            let i = (rnd() as usize) % f.len();
            f[i] = rnd() as u8;
        }
        f.truncate(24 + (rnd() as usize) % (f.len() - 24));
        if let Ok((v, _)) = read_bytes(f) {
            assert!(v.len() < 100);
        }
    }
}
