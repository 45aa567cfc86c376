//! Packets and bytes per interval (`tshark -q -z io,stat,SECONDS`), with a bar chart for the
//! terminal and the IO graph as an SVG picture ([`IoTable::svg`], drawn with `plotters`'
//! pure Rust SVG backend).
//!
//! Interval `i` holds the frames whose time is in `[start + i·s, start + (i+1)·s)`, `start`
//! being the time of the capture's first frame, as tshark counts them. At most
//! [`MAX_INTERVALS`] intervals are kept (a tiny interval over a long capture, or a damaged
//! timestamp far in the future, would need unbounded memory): frames after the last one
//! kept, and frames timed before the first frame, are counted apart and reported.

use super::fold::{Fold, Pkt};
use super::table::{Cell, Table, nanos_between};

/// Most intervals kept.
pub const MAX_INTERVALS: usize = 100_000;

/// Frames and bytes per interval.
#[derive(Debug, Clone)]
pub struct IoTable {
    interval_ns: u64,
    bins: Vec<(u64, u64)>,
    /// Frames and bytes after the last interval kept.
    pub after: (u64, u64),
    /// Frames and bytes timed before the capture's first frame.
    pub before: (u64, u64),
}

impl IoTable {
    /// An empty table of intervals of `interval_ns` nanoseconds (at least 1).
    pub fn new(interval_ns: u64) -> IoTable {
        IoTable {
            interval_ns: interval_ns.max(1),
            bins: Vec::new(),
            after: (0, 0),
            before: (0, 0),
        }
    }

    /// Frames and bytes of each interval, from the first to the last that has frames.
    pub fn bins(&self) -> &[(u64, u64)] {
        &self.bins
    }

    fn secs(&self, i: usize) -> f64 {
        i as f64 * self.interval_ns as f64 / 1e9
    }

    /// Rows `{"start", "end", "frames", "bytes"}`, with bars of frames in text.
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            "io",
            &format!(
                "IO Statistics (interval {} s)",
                self.interval_ns as f64 / 1e9
            ),
            &["start", "end", "frames", "bytes"],
        );
        let decimals = if self.interval_ns % 1_000_000_000 == 0 {
            0
        } else if self.interval_ns % 1_000_000 == 0 {
            3
        } else {
            9
        };
        let max = self.bins.iter().map(|b| b.0).max().unwrap_or(0);
        for (i, b) in self.bins.iter().enumerate() {
            t.rows.push(vec![
                Cell::Num(self.secs(i), decimals),
                Cell::Num(self.secs(i + 1), decimals),
                Cell::Int(b.0),
                Cell::Int(b.1),
            ]);
            let w = if max == 0 {
                0
            } else {
                (b.0 * 50).div_ceil(max) as usize
            };
            t.footer.push(format!(
                "{:>12.d$} |{}",
                self.secs(i),
                "#".repeat(w),
                d = decimals
            ));
        }
        if !t.footer.is_empty() {
            t.footer.insert(0, "Frames per interval:".to_string());
        }
        let mut ns = Vec::new();
        if self.after.0 > 0 {
            ns.push(("frames_after_last_interval", Cell::Int(self.after.0)));
            ns.push(("bytes_after_last_interval", Cell::Int(self.after.1)));
        }
        if self.before.0 > 0 {
            ns.push(("frames_before_start", Cell::Int(self.before.0)));
            ns.push(("bytes_before_start", Cell::Int(self.before.1)));
        }
        t.not_shown = ns;
        t
    }

    /// The IO graph: one point per interval (frames per interval against its start), as an
    /// SVG document.
    pub fn svg(&self, title: &str) -> Result<String, String> {
        use plotters::prelude::*;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (1000, 500)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let n = self.bins.len().max(1);
            let xmax = self.secs(n);
            let ymax = self.bins.iter().map(|b| b.0).max().unwrap_or(0).max(1) as f64 * 1.05;
            let mut chart = ChartBuilder::on(&root)
                .caption(title, ("sans-serif", 20))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(0f64..xmax, 0f64..ymax)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .x_desc("time since the first frame (s)")
                .y_desc(format!("frames per {} s", self.interval_ns as f64 / 1e9))
                .draw()
                .map_err(|e| e.to_string())?;
            let pts = self
                .bins
                .iter()
                .enumerate()
                .map(|(i, b)| (self.secs(i), b.0 as f64));
            chart
                .draw_series(LineSeries::new(pts, &BLUE))
                .map_err(|e| e.to_string())?;
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }
}

impl Fold for IoTable {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let bytes = u64::from(p.orig_len);
        let off = nanos_between(p.start, p.ts);
        if off < 0 {
            self.before.0 += 1;
            self.before.1 += bytes;
            return;
        }
        let i = usize::try_from(off / i128::from(self.interval_ns)).unwrap_or(usize::MAX);
        if i >= MAX_INTERVALS {
            self.after.0 += 1;
            self.after.1 += bytes;
            return;
        }
        if self.bins.len() <= i {
            self.bins.resize(i + 1, (0, 0));
        }
        if let Some(b) = self.bins.get_mut(i) {
            b.0 += 1;
            b.1 += bytes;
        }
    }

    fn merge(&mut self, o: IoTable) {
        if self.bins.len() < o.bins.len() {
            self.bins.resize(o.bins.len(), (0, 0));
        }
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.after.0 += o.after.0;
        self.after.1 += o.after.1;
        self.before.0 += o.before.0;
        self.before.1 += o.before.1;
    }
}
