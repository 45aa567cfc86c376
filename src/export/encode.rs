//! A row group's values, column by column, and their encoding into Parquet column chunks.
//!
//! A worker fills one [`Group`] per partition with the fields of its batch's frames
//! ([`Group::push_frame`]), then encodes each column into its own buffer ([`Group::encode`]):
//! pages, compression and statistics are made in the worker, in parallel, and the writer
//! only splices the finished chunks into the output file in order
//! ([`parquet::file::writer::SerializedRowGroupWriter::append_column`]).

use bytes::Bytes;
use parquet::column::writer::{ColumnCloseResult, ColumnWriter, get_column_writer};
use parquet::data_type::ByteArray;
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterPropertiesPtr;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::SchemaDescPtr;

use super::schema::{ColumnSpec, Kind, Source};
use crate::fields::{FieldVal, Frame, write_value};

/// The largest magnitude `DECIMAL(18, 9)` holds, in nanoseconds.
const DECIMAL18_MAX: i64 = 999_999_999_999_999_999;

/// One column's values and levels.
#[derive(Debug)]
enum Values {
    I32(Vec<i32>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
    /// Text: the bytes of every value, and where each ends.
    Text(Vec<u8>, Vec<usize>),
}

#[derive(Debug)]
struct ColumnBuf {
    values: Values,
    def: Vec<i16>,
    rep: Vec<i16>,
}

/// The rows of one row group, column by column.
#[derive(Debug)]
pub struct Group {
    cols: Vec<ColumnBuf>,
    rows: usize,
    /// Values that did not fit their column (a time beyond year 2262), written as null.
    pub nulled: u64,
}

/// One encoded column chunk: its bytes, and what closing its writer said about them.
pub struct Chunk {
    /// The chunk's pages.
    pub bytes: Bytes,
    /// Its metadata, offsets relative to `bytes`.
    pub close: ColumnCloseResult,
}

impl Group {
    /// An empty group for `cols`, with room for `rows` rows.
    pub fn new(cols: &[ColumnSpec], rows: usize) -> Group {
        let cols = cols
            .iter()
            .map(|c| ColumnBuf {
                values: match c.kind {
                    Kind::UInt(64) | Kind::Int | Kind::Timestamp | Kind::Duration => {
                        Values::I64(Vec::with_capacity(rows))
                    }
                    Kind::UInt(_) | Kind::Ipv4Number => Values::I32(Vec::with_capacity(rows)),
                    Kind::Bool => Values::Bool(Vec::with_capacity(rows)),
                    Kind::Text => Values::Text(Vec::with_capacity(rows * 8), Vec::new()),
                },
                def: Vec::with_capacity(rows),
                rep: if c.repeated {
                    Vec::with_capacity(rows)
                } else {
                    Vec::new()
                },
            })
            .collect();
        Group {
            cols,
            rows: 0,
            nulled: 0,
        }
    }

    /// Rows so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row: the frame's value of every column.
    pub fn push_frame(&mut self, specs: &[ColumnSpec], f: &Frame<'_, '_>) {
        let present = f.present();
        self.rows += 1;
        for (spec, col) in specs.iter().zip(self.cols.iter_mut()) {
            let before = col.def.len();
            let max_def = if spec.repeated { 2 } else { 1 };
            let mut n = 0usize;
            let mut nulled = 0u64;
            match spec.source {
                Source::Protocols => {
                    if let Values::Text(buf, ends) = &mut col.values {
                        crate::output::json::put_protocols(buf, f.d);
                        ends.push(buf.len());
                        col.def.push(1);
                    }
                }
                Source::Field(def) | Source::Ipv4Number(def) => {
                    if spec.views == 0 || spec.views & present != 0 {
                        let number = matches!(spec.source, Source::Ipv4Number(_));
                        (def.each)(f, &mut |v| {
                            if n > 0 && !spec.repeated {
                                return;
                            }
                            let v = match (number, v) {
                                (true, FieldVal::Ipv4(a)) => FieldVal::UInt(u32::from(a).into()),
                                (true, _) => return,
                                (false, v) => v,
                            };
                            if col.values.push(spec.kind, def.base, v) {
                                if spec.repeated {
                                    col.rep.push(if n == 0 { 0 } else { 1 });
                                }
                                col.def.push(max_def);
                                n += 1;
                            } else {
                                nulled += 1;
                            }
                        });
                    }
                }
            }
            self.nulled += nulled;
            if col.def.len() == before {
                // Absent: a null value, or a null list.
                col.def.push(0);
                if spec.repeated {
                    col.rep.push(0);
                }
            }
        }
    }

    /// Encodes every column into its own chunk, with the schema's column descriptors and
    /// the writer's properties (compression, dictionary, statistics).
    pub fn encode(self, schema: &SchemaDescPtr, props: &WriterPropertiesPtr) -> Result<Vec<Chunk>> {
        let mut out = Vec::with_capacity(self.cols.len());
        for (i, col) in self.cols.into_iter().enumerate() {
            if i >= schema.num_columns() {
                return Err(ParquetError::General(format!(
                    "no column {i} in the schema"
                )));
            }
            let descr = schema.column(i);
            let mut sink = TrackedWrite::new(Vec::new());
            let close = {
                let pages = Box::new(SerializedPageWriter::new(&mut sink));
                let mut w = get_column_writer(descr, props.clone(), pages);
                write_column(&mut w, col)?;
                match w {
                    ColumnWriter::Int32ColumnWriter(w) => w.close()?,
                    ColumnWriter::Int64ColumnWriter(w) => w.close()?,
                    ColumnWriter::BoolColumnWriter(w) => w.close()?,
                    ColumnWriter::ByteArrayColumnWriter(w) => w.close()?,
                    _ => return Err(wrong_type(i)),
                }
            };
            out.push(Chunk {
                bytes: Bytes::from(sink.into_inner()?),
                close,
            });
        }
        Ok(out)
    }
}

fn wrong_type(i: usize) -> ParquetError {
    ParquetError::General(format!("column {i}: values of the wrong physical type"))
}

/// Levels handed to the column writer at once: text values are made into `ByteArray`s one
/// slice at a time, so a row group's text is not held twice.
const WRITE_CHUNK: usize = 8192;

/// Writes a column's levels and values, [`WRITE_CHUNK`] levels at a time (cut where a row
/// starts, for lists).
fn write_column(w: &mut ColumnWriter<'_>, col: ColumnBuf) -> Result<()> {
    let repeated = !col.rep.is_empty();
    let max_def = if repeated { 2 } else { 1 };
    let n = col.def.len();
    let (text, values) = match col.values {
        Values::Text(buf, ends) => (
            Some((Bytes::from(buf), ends)),
            Values::Text(Vec::new(), Vec::new()),
        ),
        v => (None, v),
    };
    let (mut lv, mut val) = (0usize, 0usize);
    while lv < n {
        let mut end = lv.saturating_add(WRITE_CHUNK).min(n);
        while repeated && end < n && col.rep.get(end).is_some_and(|&r| r != 0) {
            end += 1;
        }
        let defs = col.def.get(lv..end).unwrap_or(&[]);
        let reps = if repeated { col.rep.get(lv..end) } else { None };
        let nv = defs.iter().filter(|&&d| d == max_def).count();
        let vals = val..val + nv;
        let short = || ParquetError::General("fewer values than levels".into());
        match (&mut *w, &values) {
            (ColumnWriter::Int32ColumnWriter(w), Values::I32(v)) => {
                w.write_batch(v.get(vals).ok_or_else(short)?, Some(defs), reps)?;
            }
            (ColumnWriter::Int64ColumnWriter(w), Values::I64(v)) => {
                w.write_batch(v.get(vals).ok_or_else(short)?, Some(defs), reps)?;
            }
            (ColumnWriter::BoolColumnWriter(w), Values::Bool(v)) => {
                w.write_batch(v.get(vals).ok_or_else(short)?, Some(defs), reps)?;
            }
            (ColumnWriter::ByteArrayColumnWriter(w), Values::Text(..)) => {
                let Some((all, ends)) = &text else {
                    return Err(short());
                };
                let mut start = if val == 0 {
                    0
                } else {
                    ends.get(val - 1).copied().ok_or_else(short)?
                };
                let mut v = Vec::with_capacity(nv);
                for &e in ends.get(vals).ok_or_else(short)? {
                    if e < start || e > all.len() {
                        return Err(ParquetError::General("text offsets out of order".into()));
                    }
                    v.push(ByteArray::from(all.slice(start..e)));
                    start = e;
                }
                w.write_batch(&v, Some(defs), reps)?;
            }
            _ => return Err(wrong_type(0)),
        }
        lv = end;
        val += nv;
    }
    Ok(())
}

impl Values {
    /// Appends `v` as a value of kind `kind`; false when it does not fit (written as null).
    fn push(&mut self, kind: Kind, base: crate::fields::Base, v: FieldVal<'_>) -> bool {
        match (self, kind, v) {
            (Values::I32(out), Kind::UInt(_) | Kind::Ipv4Number, FieldVal::UInt(n)) => {
                let bits = match kind {
                    Kind::UInt(b) => b,
                    _ => 32,
                };
                if bits < 64 && n >> bits != 0 {
                    return false;
                }
                // Unsigned values are stored as their bit pattern (the Parquet convention).
                out.push(u32::try_from(n).unwrap_or(u32::MAX) as i32);
                true
            }
            (Values::I64(out), Kind::UInt(_), FieldVal::UInt(n)) => {
                out.push(n as i64);
                true
            }
            (Values::I64(out), Kind::Int, FieldVal::Int(n)) => {
                out.push(n);
                true
            }
            (Values::Bool(out), Kind::Bool, FieldVal::Bool(b)) => {
                out.push(b);
                true
            }
            (Values::I64(out), Kind::Timestamp, FieldVal::Time(sec, nsec)) => {
                let ns = i128::from(sec) * 1_000_000_000 + i128::from(nsec.min(999_999_999));
                match i64::try_from(ns) {
                    Ok(ns) => {
                        out.push(ns);
                        true
                    }
                    Err(_) => false,
                }
            }
            (Values::I64(out), Kind::Duration, FieldVal::RelTime(ns)) => {
                if ns.unsigned_abs() > DECIMAL18_MAX.unsigned_abs() {
                    return false;
                }
                out.push(ns);
                true
            }
            (Values::Text(buf, ends), _, v) => {
                write_value(buf, base, v);
                ends.push(buf.len());
                true
            }
            // A reader that gives another kind of value than its type says: left out.
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Base;

    #[test]
    fn values_that_do_not_fit_are_refused() {
        let mut v = Values::I32(Vec::new());
        assert!(v.push(Kind::UInt(8), Base::Dec, FieldVal::UInt(255)));
        assert!(!v.push(Kind::UInt(8), Base::Dec, FieldVal::UInt(256)));
        assert!(v.push(
            Kind::UInt(32),
            Base::Dec,
            FieldVal::UInt(u64::from(u32::MAX))
        ));
        let mut t = Values::I64(Vec::new());
        assert!(t.push(Kind::Timestamp, Base::None, FieldVal::Time(1, 5)));
        assert!(!t.push(Kind::Timestamp, Base::None, FieldVal::Time(i64::MAX, 0)));
        assert!(!t.push(Kind::Duration, Base::None, FieldVal::RelTime(i64::MIN)));
        assert!(t.push(Kind::Duration, Base::None, FieldVal::RelTime(-5)));
        match t {
            Values::I64(v) => assert_eq!(v, [1_000_000_005, -5]),
            _ => unreachable!(),
        }
        match v {
            Values::I32(v) => assert_eq!(v, [255, -1]),
            _ => unreachable!(),
        }
    }
}
