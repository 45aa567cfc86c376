//! The one shape every statistic is printed in: a titled table of rows, written as aligned
//! text, as JSON (one array of row objects per statistic) or as CSV.

use std::fmt::Write as _;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A count.
    Int(u64),
    /// A number with this many decimals.
    Num(f64, usize),
    /// Text (an address, a name, a path).
    Text(String),
}

impl Cell {
    fn text(&self) -> String {
        let mut s = String::new();
        self.write_text(&mut s);
        s
    }

    /// Appends the cell as text.
    fn write_text(&self, out: &mut String) {
        match self {
            Cell::Int(n) => push_u64(out, *n),
            Cell::Num(x, p) => push_fixed(out, *x, *p),
            Cell::Text(s) => out.push_str(s),
        }
    }

    fn json(&self, out: &mut String) {
        match self {
            Cell::Int(n) => push_u64(out, *n),
            Cell::Num(x, p) if x.is_finite() => push_fixed(out, *x, *p),
            Cell::Num(..) => out.push_str("null"),
            Cell::Text(s) => json_str(out, s),
        }
    }
}

/// Appends `n` in decimal, without std's formatting machinery (a conversation table has
/// hundreds of thousands of counts to print).
fn push_u64(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let digits = crate::output::text::dec_digits(&mut buf, n);
    out.push_str(std::str::from_utf8(digits).unwrap_or(""));
}

/// Appends `x` with `p` decimals, exactly as `format!("{x:.p$}")` does. std's exact float
/// formatting costs about a thousand instructions a number (callgrind); when `x * 10^p` is
/// far enough from a rounding tie that the product's own rounding cannot change which
/// integer is nearest, that integer's digits are written instead, else std's.
fn push_fixed(out: &mut String, x: f64, p: usize) {
    const POW10: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    if let (Some(&scale), true) = (POW10.get(p), x.is_sign_positive()) {
        // Below 2^50 the product is within 1/8 of x * 10^p.
        let r = x * scale;
        if r < (1u64 << 50) as f64 {
            let fl = r.floor();
            let frac = r - fl;
            if (frac - 0.5).abs() > 0.25 {
                let n = if frac > 0.5 { fl as u64 + 1 } else { fl as u64 };
                let unit = 10u64.pow(p as u32);
                push_u64(out, n / unit);
                if p > 0 {
                    out.push('.');
                    let mut f = n % unit;
                    let mut digits = [b'0'; 9];
                    for d in digits.iter_mut().take(p).rev() {
                        *d = b'0' + (f % 10) as u8;
                        f /= 10;
                    }
                    let digits = digits.get(..p).unwrap_or(&[]);
                    out.push_str(std::str::from_utf8(digits).unwrap_or(""));
                }
                return;
            }
        }
    }
    let _ = write!(out, "{x:.p$}");
}

/// Appends `n` spaces.
fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(SPACES.get(..k).unwrap_or(""));
        n -= k;
    }
}

/// Appends `s` as a JSON string.
pub(crate) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A statistic's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The statistic's key in `--json` output (`phs`, `conv`, `endpoints`, `io`...).
    pub key: String,
    /// The title printed above the text table.
    pub title: String,
    /// Column names: the JSON keys and the CSV header.
    pub columns: Vec<&'static str>,
    /// Text headers, when they differ from the column names (same length as `columns`).
    pub headers: Option<Vec<String>>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// What did not fit (a capped table): printed under the text table, as
    /// `"KEY_not_shown": {..}` in JSON and as a `# not shown` line in CSV.
    pub not_shown: Vec<(&'static str, Cell)>,
    /// Lines printed under the text table only (a bar chart, a remark).
    pub footer: Vec<String>,
}

impl Table {
    /// An empty table.
    pub fn new(key: &str, title: &str, columns: &[&'static str]) -> Table {
        Table {
            key: key.to_string(),
            title: title.to_string(),
            columns: columns.to_vec(),
            headers: None,
            rows: Vec::new(),
            not_shown: Vec::new(),
            footer: Vec::new(),
        }
    }

    /// Aligned text: text cells left, numbers right. The cells are written once into one
    /// buffer (a conversation table has hundreds of thousands of them), then laid out.
    pub fn write_text(&self, out: &mut String) {
        let heads: Vec<&str> = match &self.headers {
            Some(h) => h.iter().map(String::as_str).collect(),
            None => self.columns.clone(),
        };
        let ncol = heads.len();
        let mut text = String::new();
        // Each cell: where its text is in `text`, and its width in characters.
        let mut spans: Vec<(usize, usize, usize)> = Vec::with_capacity(self.rows.len() * ncol);
        for r in &self.rows {
            for i in 0..ncol {
                let at = text.len();
                if let Some(c) = r.get(i) {
                    c.write_text(&mut text);
                }
                let w = text.get(at..).map_or(0, |t| t.chars().count());
                spans.push((at, text.len(), w));
            }
        }
        let mut width: Vec<usize> = heads.iter().map(|h| h.chars().count()).collect();
        for (k, &(.., w)) in spans.iter().enumerate() {
            if let Some(m) = width.get_mut(k % ncol.max(1)) {
                *m = (*m).max(w);
            }
        }
        let _ = writeln!(out, "{}", self.title);
        let is_text: Vec<bool> = (0..ncol)
            .map(|i| {
                self.rows
                    .first()
                    .and_then(|r| r.get(i))
                    .is_none_or(|c| matches!(c, Cell::Text(_)))
            })
            .collect();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = (&str, usize)>| {
            let start = out.len();
            for (i, ((v, n), w)) in cells.zip(&width).enumerate() {
                if i > 0 {
                    out.push_str("  ");
                }
                let pad = w.saturating_sub(n);
                if is_text.get(i).copied().unwrap_or(true) {
                    out.push_str(v);
                    push_spaces(out, pad);
                } else {
                    push_spaces(out, pad);
                    out.push_str(v);
                }
            }
            let keep = out.get(start..).map_or(0, |l| l.trim_end().len());
            out.truncate(start + keep);
            out.push('\n');
        };
        line(out, &mut heads.iter().map(|h| (*h, h.chars().count())));
        out.reserve(text.len() + spans.len() * 4);
        for row in spans.chunks(ncol.max(1)) {
            line(
                out,
                &mut row
                    .iter()
                    .map(|&(a, b, n)| (text.get(a..b).unwrap_or(""), n)),
            );
        }
        if !self.not_shown.is_empty() {
            let parts: Vec<String> = self
                .not_shown
                .iter()
                .map(|(k, v)| format!("{} {k}", v.text()))
                .collect();
            let _ = writeln!(out, "not shown (table full): {}", parts.join(", "));
        }
        for f in &self.footer {
            let _ = writeln!(out, "{f}");
        }
    }

    /// `"key": [rows]` (and `"key_not_shown": {..}`), without braces around.
    pub fn write_json(&self, out: &mut String) {
        json_str(out, &self.key);
        out.push_str(":[");
        for (i, r) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            for (j, (c, v)) in self.columns.iter().zip(r).enumerate() {
                if j > 0 {
                    out.push(',');
                }
                json_str(out, c);
                out.push(':');
                v.json(out);
            }
            out.push('}');
        }
        out.push(']');
        if !self.not_shown.is_empty() {
            out.push(',');
            json_str(out, &format!("{}_not_shown", self.key));
            out.push_str(":{");
            for (j, (k, v)) in self.not_shown.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                json_str(out, k);
                out.push(':');
                v.json(out);
            }
            out.push('}');
        }
    }

    /// A header row and the rows, RFC 4180 quoting.
    pub fn write_csv(&self, out: &mut String) {
        let quote = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let _ = writeln!(out, "{}", self.columns.join(","));
        for r in &self.rows {
            let vals: Vec<String> = r.iter().map(|c| quote(&c.text())).collect();
            let _ = writeln!(out, "{}", vals.join(","));
        }
        if !self.not_shown.is_empty() {
            let parts: Vec<String> = self
                .not_shown
                .iter()
                .map(|(k, v)| format!("{k}={}", v.text()))
                .collect();
            let _ = writeln!(out, "# not shown: {}", parts.join(" "));
        }
    }
}

/// Seconds of a `(seconds, nanoseconds)` difference `b - a`, as a float.
pub fn secs_between(a: (i64, u32), b: (i64, u32)) -> f64 {
    let ns =
        (i128::from(b.0) - i128::from(a.0)) * 1_000_000_000 + i128::from(b.1) - i128::from(a.1);
    ns as f64 / 1e9
}

/// Nanoseconds of `b - a`, saturating.
pub fn nanos_between(a: (i64, u32), b: (i64, u32)) -> i128 {
    (i128::from(b.0) - i128::from(a.0)) * 1_000_000_000 + i128::from(b.1) - i128::from(a.1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_decimals_are_std_s() {
        let mut vals = vec![
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            0.5,
            1.5,
            2.5,
            0.0000005,
            0.000_000_5,
            1e-9,
            123.456_789_5,
            1e20,
            -1.25,
        ];
        let mut x = 0.000_000_001f64;
        while x < 1e7 {
            vals.push(x);
            vals.push(x * 1.000_000_7);
            x *= 1.37;
        }
        for ns in [
            0u64,
            1,
            499,
            500,
            501,
            999_999_500,
            43_839_017_000,
            1_500_000_000_500,
        ] {
            vals.push(ns as f64 / 1e9);
        }
        for v in vals {
            for p in [0usize, 3, 6, 9] {
                let mut s = String::new();
                push_fixed(&mut s, v, p);
                assert_eq!(s, format!("{v:.p$}"), "{v} .{p}");
            }
        }
    }

    use super::*;

    #[test]
    fn text_json_csv() {
        let mut t = Table::new("x", "X", &["name", "frames"]);
        t.rows
            .push(vec![Cell::Text("a,\"b\"".into()), Cell::Int(3)]);
        t.not_shown.push(("frames", Cell::Int(2)));
        let mut s = String::new();
        t.write_text(&mut s);
        assert_eq!(
            s,
            "X\nname   frames\na,\"b\"       3\nnot shown (table full): 2 frames\n"
        );
        let mut j = String::new();
        t.write_json(&mut j);
        assert_eq!(
            j,
            r#""x":[{"name":"a,\"b\"","frames":3}],"x_not_shown":{"frames":2}"#
        );
        let mut c = String::new();
        t.write_csv(&mut c);
        assert_eq!(c, "name,frames\n\"a,\"\"b\"\"\",3\n# not shown: frames=2\n");
    }

    #[test]
    fn times() {
        assert_eq!(secs_between((1, 900_000_000), (3, 100_000_000)), 1.2);
        assert_eq!(nanos_between((3, 0), (1, 0)), -2_000_000_000);
    }
}
