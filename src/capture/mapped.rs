//! A capture file mapped into memory, shared between threads.
//!
//! `pktforge read` maps regular files instead of reading them: a `read()` copies every byte
//! from the page cache into a buffer, and that copy alone was 16% of the CPU time of
//! `read --count` over the 2-million-packet workload (`perf record`, see the README's
//! "Reading speed"). With the file mapped, the reader walks record headers in place and
//! the dissecting threads read packets straight out of the page cache.
//!
//! The hazard of any mapping: if another process truncates or rewrites the file while it
//! is mapped, reads see the new bytes or the process gets `SIGBUS`. That is why
//! [`MappedFile::map`] is `unsafe`, and why `pktforge read --no-mmap` exists (ripgrep
//! makes the same trade and has the same switch).
//!
//! Mapped pages count in the process' resident set once touched. [`MappedFile::release`]
//! drops the pages of a range the program is done with from its page tables (the page
//! cache keeps them), so resident memory stays bounded by what is in flight, not by the
//! file size.

#![allow(unsafe_code)] // Mapping a file is unsafe by nature; see the module docs.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::sync::Arc;

/// A read-only mapping of a whole file; clones share it.
#[derive(Clone)]
pub struct MappedFile {
    map: Arc<memmap2::Mmap>,
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFile")
            .field("len", &self.map.len())
            .finish()
    }
}

impl MappedFile {
    /// Maps all of `file` read-only, advising the kernel that it will be read in order.
    ///
    /// # Safety
    ///
    /// The file must not be truncated or modified, by this or another process, while the
    /// mapping or any clone of it lives: the bytes lent out would change under their
    /// borrowers, and reading past a truncated end raises `SIGBUS`.
    pub unsafe fn map(file: &File) -> io::Result<MappedFile> {
        // SAFETY: the caller guarantees the file stays as it is while mapped (see above).
        let map = unsafe { memmap2::Mmap::map(file)? };
        // Only a hint: a kernel that refuses it reads the file all the same.
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(MappedFile { map: Arc::new(map) })
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Maps the pages of `range` into the process in one system call
    /// (`MADV_POPULATE_READ`), where reading them would take a page fault per few pages: a
    /// worker about to read a chunk asks for it first. Only a hint: on a kernel without it
    /// (before Linux 5.14) the pages are faulted in as they are read.
    pub fn populate(&self, range: Range<usize>) {
        const PAGE: usize = 4096;
        let start = range.start & !(PAGE - 1);
        let end = range.end.min(self.map.len());
        if start >= end {
            return;
        }
        let _ = self
            .map
            .advise_range(memmap2::Advice::PopulateRead, start, end - start);
    }

    /// Tells the kernel this process is done with `range` for now: its pages leave the
    /// process' resident set (they stay in the page cache). Reading them again later is
    /// correct, only slower. Ranges past the end are clipped; the range is shrunk to whole
    /// pages.
    pub fn release(&self, range: Range<usize>) {
        const PAGE: usize = 4096;
        let end = range.end.min(self.map.len()) & !(PAGE - 1);
        let start = range.start.div_ceil(PAGE) * PAGE;
        if start >= end {
            return;
        }
        // SAFETY: the mapping is read-only and shared (`Mmap::map` maps MAP_SHARED,
        // PROT_READ), so MADV_DONTNEED only unmaps pages from this process: the next access
        // faults them back in from the file with the same contents. The hazard memmap2
        // marks this unsafe for, private or anonymous pages reverting to the file or to
        // zeros, cannot happen here. A failure leaves the pages resident, which is harmless.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
        };
    }
}
