//! Hive-style partitions: `date=2026-11-21/hour=14/part-0000.parquet`.

/// How an export is split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Partition {
    /// One file.
    #[default]
    None,
    /// A directory per UTC day: `date=2026-11-21/part-0000.parquet`.
    Day,
    /// A directory per UTC hour: `date=2026-11-21/hour=14/part-0000.parquet`.
    Hour,
}

/// A partition: the day (since the epoch, UTC) and the hour (0 when by day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Days since 1970-01-01.
    pub day: i64,
    /// Hour of the day (0-23); 0 when partitioned by day or not at all.
    pub hour: u8,
}

impl Partition {
    /// The partition of a frame captured at `ts_sec` seconds since the epoch.
    pub fn key(self, ts_sec: i64) -> Key {
        match self {
            Partition::None => Key { day: 0, hour: 0 },
            Partition::Day => Key {
                day: ts_sec.div_euclid(86_400),
                hour: 0,
            },
            Partition::Hour => Key {
                day: ts_sec.div_euclid(86_400),
                hour: (ts_sec.rem_euclid(86_400) / 3600) as u8,
            },
        }
    }

    /// The directory of partition `k` under the output directory: `date=2026-11-21/hour=14`
    /// (empty for [`Partition::None`]).
    pub fn dir(self, k: Key) -> String {
        let (y, m, d) = civil_from_days(k.day);
        match self {
            Partition::None => String::new(),
            Partition::Day => format!("date={y:04}-{m:02}-{d:02}"),
            Partition::Hour => format!("date={y:04}-{m:02}-{d:02}/hour={:02}", k.hour),
        }
    }
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`): year, month 1-12, day 1-31.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era.saturating_mul(400);
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y.saturating_add(1) } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_hours() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2026-11-21 14:05:00 UTC.
        let t = 1_795_269_900;
        assert_eq!(
            Partition::Hour.dir(Partition::Hour.key(t)),
            "date=2026-11-21/hour=14"
        );
        assert_eq!(Partition::Day.dir(Partition::Day.key(t)), "date=2026-11-21");
        assert_eq!(Partition::Hour.key(-1), Key { day: -1, hour: 23 });
        // Extreme times give some date, without overflow.
        let _ = Partition::Hour.dir(Partition::Hour.key(i64::MIN));
        let _ = Partition::Hour.dir(Partition::Hour.key(i64::MAX));
    }
}
