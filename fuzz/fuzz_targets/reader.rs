//! Reads one file both ways, mapped and streamed, and compares what they give.

use std::io::Write;

use pktforge::capture::CaptureReader;

/// What a reader gives: each packet's metadata and bytes, then how it ended.
type Seen = (Vec<(i64, u32, u32, u32, u32, Vec<u8>)>, Option<String>);

fn drain(mut r: CaptureReader) -> Seen {
    let mut pkts = Vec::new();
    let mut end = None;
    // At most as many packets as the input has bytes: a reader that loops is a bug.
    let limit = 1 << 20;
    while let Some(p) = r.next_packet() {
        match p {
            Ok(p) => pkts.push((
                p.ts_sec,
                p.ts_nsec,
                p.orig_len,
                p.link.0,
                p.interface,
                p.data.to_vec(),
            )),
            Err(e) => {
                end = Some(format!("{e}"));
                break;
            }
        }
        assert!(pkts.len() < limit, "reader does not end");
    }
    (pkts, end)
}

/// The mapped and the streaming reader give the same packets and the same end.
pub fn same_both_ways(file: &[u8]) {
    let streamed = match CaptureReader::from_read(Box::new(std::io::Cursor::new(file.to_vec()))) {
        Ok(r) => Some(drain(r)),
        Err(_) => None,
    };
    let path = std::env::temp_dir().join(format!("pktforge-fuzz-{}.cap", std::process::id()));
    let Ok(mut f) = std::fs::File::create(&path) else {
        return;
    };
    if f.write_all(file).is_err() {
        return;
    }
    drop(f);
    // SAFETY: the file is this process's own temporary file, written above and changed by
    // nobody while it is mapped.
    #[allow(unsafe_code)]
    let mapped = match unsafe { CaptureReader::open_mapped(&path) } {
        Ok(r) => Some(drain(r)),
        Err(_) => None,
    };
    match (&streamed, &mapped) {
        (Some(s), Some(m)) => {
            assert_eq!(s.0, m.0, "same packets mapped and streamed");
            assert_eq!(
                s.1.is_some(),
                m.1.is_some(),
                "same end: {:?} vs {:?}",
                s.1,
                m.1
            );
        }
        (None, None) => {}
        _ => panic!(
            "one way opens the file, the other does not: {:?} {:?}",
            streamed.is_some(),
            mapped.is_some()
        ),
    }
}
