//! The capture summary, as `capinfos` gives it: packets, bytes, first and last time, rates,
//! cut and malformed packets, link types.

use super::fold::{Fold, Pkt};
use super::table::{Cell, Table, secs_between};

/// Counts over the packets folded (those that passed the filter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Packets.
    pub packets: u64,
    /// Bytes on the wire (`capinfos`' "Data size").
    pub bytes: u64,
    /// Bytes captured.
    pub captured: u64,
    /// Earliest timestamp.
    pub first: Option<(i64, u32)>,
    /// Latest timestamp.
    pub last: Option<(i64, u32)>,
    /// Packets captured shorter than they were on the wire (a snap length).
    pub cut: u64,
    /// Packets whose dissection found a malformed layer.
    pub malformed: u64,
    /// Packets per pcap link type number, in number order (a short list: a file has one
    /// link type, or a few; a map's lookup per packet cost more than the rest of the
    /// summary).
    pub links: Vec<(u32, u64)>,
}

impl Fold for Summary {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        self.packets += 1;
        self.bytes += u64::from(p.orig_len);
        self.captured += u64::from(p.cap_len);
        if p.cap_len < p.orig_len {
            self.cut += 1;
        }
        if p.d.error().is_some() {
            self.malformed += 1;
        }
        self.first = Some(self.first.map_or(p.ts, |f| f.min(p.ts)));
        self.last = Some(self.last.map_or(p.ts, |l| l.max(p.ts)));
        self.count_link(p.link.0, 1);
    }

    fn merge(&mut self, o: Summary) {
        self.packets += o.packets;
        self.bytes += o.bytes;
        self.captured += o.captured;
        self.cut += o.cut;
        self.malformed += o.malformed;
        self.first = match (self.first, o.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, o.last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (k, v) in o.links {
            self.count_link(k, v);
        }
    }
}

impl Summary {
    fn count_link(&mut self, link: u32, n: u64) {
        match self.links.binary_search_by_key(&link, |&(l, _)| l) {
            Ok(i) => {
                if let Some((_, c)) = self.links.get_mut(i) {
                    *c += n;
                }
            }
            Err(at) => self.links.insert(at, (link, n)),
        }
    }
}

/// What the file itself says (not counted from packets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileInfo {
    /// The name given.
    pub name: String,
    /// `pcap`, `pcap (nanoseconds)`, `pcapng`, with `gzip` when compressed.
    pub file_type: String,
    /// The snap length(s) in the header or the interfaces (0: none).
    pub snaplen: Vec<u32>,
    /// Packets read before the filter.
    pub read: u64,
}

/// `2026-11-21 14:18:41.774755000` (UTC) for a timestamp.
pub fn utc_text(ts: (i64, u32)) -> String {
    let days = ts.0.div_euclid(86_400);
    let secs = ts.0.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:09}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        ts.1
    )
}

/// Seconds since the epoch with nine decimals.
pub fn epoch_text(ts: (i64, u32)) -> String {
    if ts.0 < 0 && ts.1 > 0 {
        format!("-{}.{:09}", -(ts.0 + 1), 1_000_000_000 - ts.1)
    } else {
        format!("{}.{:09}", ts.0, ts.1)
    }
}

/// The summary table: one row per file, and a total row when there are several.
pub fn table(rows: &[(FileInfo, Summary)]) -> Table {
    let mut t = Table::new(
        "summary",
        "Summary",
        &[
            "file",
            "file_type",
            "link_types",
            "packets",
            "bytes",
            "first",
            "last",
            "first_epoch",
            "last_epoch",
            "duration",
            "avg_packet_size",
            "packets_per_s",
            "bits_per_s",
            "snaplen",
            "cut",
            "malformed",
        ],
    );
    let mut all = Summary::default();
    for (_, s) in rows {
        all.merge(s.clone());
    }
    let mut push = |name: &str, ftype: &str, snap: &str, s: &Summary| {
        let dur = match (s.first, s.last) {
            (Some(a), Some(b)) => secs_between(a, b),
            _ => 0.0,
        };
        let rate = |x: f64| if dur > 0.0 { x / dur } else { 0.0 };
        let links: Vec<String> = s
            .links
            .iter()
            .map(|(l, _)| crate::capture::LinkTypeNumber(*l).to_string())
            .collect();
        let avg = if s.packets > 0 {
            s.bytes as f64 / s.packets as f64
        } else {
            0.0
        };
        let ts = |t: Option<(i64, u32)>, f: fn((i64, u32)) -> String| {
            Cell::Text(t.map(f).unwrap_or_default())
        };
        t.rows.push(vec![
            Cell::Text(name.to_string()),
            Cell::Text(ftype.to_string()),
            Cell::Text(links.join(", ")),
            Cell::Int(s.packets),
            Cell::Int(s.bytes),
            ts(s.first, utc_text),
            ts(s.last, utc_text),
            ts(s.first, epoch_text),
            ts(s.last, epoch_text),
            Cell::Num(dur, 6),
            Cell::Num(avg, 2),
            Cell::Num(rate(s.packets as f64), 2),
            Cell::Num(rate(s.bytes as f64 * 8.0), 2),
            Cell::Text(snap.to_string()),
            Cell::Int(s.cut),
            Cell::Int(s.malformed),
        ]);
    };
    for (f, s) in rows {
        let snap: Vec<String> = f.snaplen.iter().map(u32::to_string).collect();
        push(&f.name, &f.file_type, &snap.join(" "), s);
    }
    if rows.len() > 1 {
        push("(all files)", "", "", &all);
    }
    t
}

/// The summary as `capinfos` prints it: one `Name: value` line each, per file.
pub fn write_text(rows: &[(FileInfo, Summary)], out: &mut String) {
    let t = table(rows);
    let names = [
        "File name",
        "File type",
        "Link types",
        "Number of packets",
        "Data size (bytes)",
        "First packet time (UTC)",
        "Last packet time (UTC)",
        "First packet time (epoch)",
        "Last packet time (epoch)",
        "Capture duration (s)",
        "Average packet size (bytes)",
        "Average packet rate (packets/s)",
        "Data bit rate (bits/s)",
        "Snap length",
        "Cut packets",
        "Malformed packets",
    ];
    for (i, r) in t.rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (n, c) in names.iter().zip(r) {
            let v = match c {
                Cell::Int(x) => x.to_string(),
                Cell::Num(x, p) => format!("{x:.p$}"),
                Cell::Text(s) => s.clone(),
            };
            out.push_str(&format!("{:<33}{v}\n", format!("{n}:")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_text((0, 0)), "1970-01-01 00:00:00.000000000");
        assert_eq!(
            utc_text((1_795_270_721, 774_755_000)),
            "2026-11-21 14:18:41.774755000"
        );
        assert_eq!(utc_text((951_782_400, 1)), "2000-02-29 00:00:00.000000001");
        assert_eq!(utc_text((-1, 0)), "1969-12-31 23:59:59.000000000");
        assert_eq!(epoch_text((-2, 500_000_000)), "-1.500000000");
        assert_eq!(epoch_text((5, 7)), "5.000000007");
    }
}
