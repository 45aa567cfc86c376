//! Capture-file sinks: where `-w` copies the packets, as pcap or pcapng.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::capture::{LinkTypeNumber, PcapNgWriter, PcapWriter, RawPacket};

/// Why a sink failed.
#[derive(Debug)]
pub enum SinkError {
    /// The file could not be created.
    Create {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: io::Error,
    },
    /// Writing the file failed.
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: io::Error,
    },
    /// A classic pcap file holds one link type, and a packet of a second one came.
    MixedLinks {
        /// The file.
        path: PathBuf,
        /// The file's link type.
        first: LinkTypeNumber,
        /// The packet's.
        other: LinkTypeNumber,
    },
}

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SinkError::Create { path, error } => write!(
                f,
                "cannot create {}: {error}\n(check that the directory exists and is writable)",
                path.display()
            ),
            SinkError::Write { path, error } => write!(f, "writing {}: {error}", path.display()),
            SinkError::MixedLinks { path, first, other } => write!(
                f,
                "{} has packets of link types {first} and {other}: a pcap file holds one; \
                 name the output .pcapng",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SinkError {}

/// A capture file being written: pcapng when its name ends in `.pcapng`, classic pcap
/// otherwise (with nanosecond timestamps when the first packet's time needs them).
pub struct CaptureSink {
    path: PathBuf,
    w: SinkWriter,
}

enum SinkWriter {
    Pcap(PcapWriter<BufWriter<File>>, LinkTypeNumber),
    PcapNg(PcapNgWriter<BufWriter<File>>),
}

impl std::fmt::Debug for CaptureSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureSink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl CaptureSink {
    /// Creates `path`, shaped by the first packet to write (its link type and whether its
    /// time has nanoseconds).
    pub fn create(path: &Path, first: &RawPacket<'_>) -> Result<CaptureSink, SinkError> {
        let f = File::create(path).map_err(|error| SinkError::Create {
            path: path.to_path_buf(),
            error,
        })?;
        let w = BufWriter::with_capacity(1 << 20, f);
        let ng = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
        let res = if ng {
            PcapNgWriter::new(w).map(SinkWriter::PcapNg)
        } else if first.ts_nsec % 1000 != 0 {
            PcapWriter::new_nanosecond(w, first.link).map(|p| SinkWriter::Pcap(p, first.link))
        } else {
            PcapWriter::new(w, first.link).map(|p| SinkWriter::Pcap(p, first.link))
        };
        let w = res.map_err(|error| SinkError::Write {
            path: path.to_path_buf(),
            error,
        })?;
        Ok(CaptureSink {
            path: path.to_path_buf(),
            w,
        })
    }

    /// Writes one packet, cut to its first `snaplen` bytes when given (its original length
    /// kept, as `editcap -s` does).
    pub fn write(&mut self, p: &RawPacket<'_>, snaplen: Option<u32>) -> Result<(), SinkError> {
        let cut = snaplen
            .and_then(|n| p.data.get(..n as usize))
            .unwrap_or(p.data);
        let r = match &mut self.w {
            SinkWriter::Pcap(w, link) => {
                if p.link != *link {
                    return Err(SinkError::MixedLinks {
                        path: self.path.clone(),
                        first: *link,
                        other: p.link,
                    });
                }
                w.write_record(p.ts_sec, p.ts_nsec, p.orig_len, cut)
            }
            SinkWriter::PcapNg(w) => {
                w.write_record(p.link, p.ts_sec, p.ts_nsec, p.orig_len, cut, p.comment)
            }
        };
        r.map_err(|error| self.write_error(error))
    }

    /// Pushes what is buffered to the file, which is then a valid capture.
    pub fn flush(&mut self) -> Result<(), SinkError> {
        let r = match &mut self.w {
            SinkWriter::Pcap(w, _) => w.flush(),
            SinkWriter::PcapNg(w) => w.flush(),
        };
        r.map_err(|error| self.write_error(error))
    }

    /// Flushes and closes the file.
    pub fn finish(self) -> Result<(), SinkError> {
        let r = match self.w {
            SinkWriter::Pcap(w, _) => w.into_inner().map(drop),
            SinkWriter::PcapNg(w) => w.into_inner().map(drop),
        };
        r.map_err(|error| SinkError::Write {
            path: self.path,
            error,
        })
    }

    fn write_error(&self, error: io::Error) -> SinkError {
        SinkError::Write {
            path: self.path.clone(),
            error,
        }
    }
}
