//! The capture reader over arbitrary bytes given as a classic pcap: the mapped and the
//! streaming paths give the same packets and end the same way.
#![no_main]

#[path = "reader.rs"]
mod reader;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // Classic pcap magics, picked by the first byte, so most inputs get past the magic.
    const MAGICS: [[u8; 4]; 4] = [
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
    ];
    let Some((&first, rest)) = input.split_first() else {
        return;
    };
    let mut file = MAGICS[usize::from(first) % 4].to_vec();
    file.extend_from_slice(rest);
    reader::same_both_ways(&file);
});
