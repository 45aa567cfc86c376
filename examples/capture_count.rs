//! Counts the packets of capture files: `cargo run --example capture_count -- FILE...`
//! (`-` reads standard input). Prints `name count bytes [error]` per file; used to measure
//! the reader's peak memory on large files (`/usr/bin/time -v`).

use pktforge::capture::CaptureReader;
use std::path::Path;

fn main() {
    for arg in std::env::args().skip(1) {
        let mut n = 0u64;
        let mut bytes = 0u64;
        let err = match CaptureReader::open(Path::new(&arg)) {
            Err(e) => Some(e),
            Ok(mut r) => {
                let mut err = None;
                while let Some(p) = r.next_packet() {
                    match p {
                        Ok(p) => {
                            n += 1;
                            bytes += p.data.len() as u64;
                        }
                        Err(e) => err = Some(e),
                    }
                }
                err
            }
        };
        match err {
            None => println!("{arg} {n} {bytes}"),
            Some(e) => println!("{arg} {n} {bytes} ERROR {e}"),
        }
    }
}
