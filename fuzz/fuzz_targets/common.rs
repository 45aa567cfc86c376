//! What the targets share: the link type chosen by an input's first byte.

use pktforge::LinkType;

/// The pcap link types the dissector knows, in the order the first byte picks them.
pub const LINKS: &[u32] = &[1, 113, 276, 101, 12, 228, 229, 0, 108, 147];

/// The link type an input's first byte picks, and the rest of the input.
pub fn split(data: &[u8]) -> Option<(u32, LinkType, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let n = LINKS.get(usize::from(first) % LINKS.len()).copied()?;
    Some((n, LinkType::from_pcap(n), rest))
}
