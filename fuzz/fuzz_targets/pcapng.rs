//! The capture reader over arbitrary bytes given as pcapng: the mapped and the streaming
//! paths give the same packets and end the same way.
#![no_main]

#[path = "reader.rs"]
mod reader;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // A section header block type first, so most inputs get past the magic.
    let mut file = vec![0x0a, 0x0d, 0x0d, 0x0a];
    file.extend_from_slice(input);
    reader::same_both_ways(&file);
});
