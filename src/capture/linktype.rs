//! pcap and pcapng link-type numbers (`LINKTYPE_*`), shared by the readers and the writers.
//!
//! The numbers are the ones registered at tcpdump.org (`linktypes.html`), which both file
//! formats use. A number without a constant here is still carried through unchanged:
//! [`LinkTypeNumber::name`] then says `LINKTYPE_UNKNOWN`, and the number itself stays in
//! the packet so a later dissector (or the user) can decide.

use std::fmt;

/// A pcap link-type number (`LINKTYPE_*`): says how the first byte of a packet is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkTypeNumber(pub u32);

impl LinkTypeNumber {
    /// LINKTYPE_NULL (0): BSD loopback, a 4-byte address family in the host's byte order.
    pub const NULL: LinkTypeNumber = LinkTypeNumber(0);
    /// LINKTYPE_ETHERNET (1): Ethernet II / 802.3.
    pub const ETHERNET: LinkTypeNumber = LinkTypeNumber(1);
    /// LINKTYPE_IEEE802_5 (6): token ring.
    pub const IEEE802_5: LinkTypeNumber = LinkTypeNumber(6);
    /// LINKTYPE_PPP (9): PPP in HDLC-like framing.
    pub const PPP: LinkTypeNumber = LinkTypeNumber(9);
    /// LINKTYPE_FDDI (10).
    pub const FDDI: LinkTypeNumber = LinkTypeNumber(10);
    /// DLT_RAW as some BSDs number it (12): raw IPv4 or IPv6, version from the first nibble.
    pub const RAW_BSD: LinkTypeNumber = LinkTypeNumber(12);
    /// LINKTYPE_PPP_HDLC (50): PPP in HDLC framing.
    pub const PPP_HDLC: LinkTypeNumber = LinkTypeNumber(50);
    /// LINKTYPE_PPP_ETHER (51): PPPoE session.
    pub const PPP_ETHER: LinkTypeNumber = LinkTypeNumber(51);
    /// LINKTYPE_ATM_RFC1483 (100): LLC/SNAP-encapsulated ATM.
    pub const ATM_RFC1483: LinkTypeNumber = LinkTypeNumber(100);
    /// LINKTYPE_RAW (101): raw IPv4 or IPv6, version from the first nibble.
    pub const RAW: LinkTypeNumber = LinkTypeNumber(101);
    /// LINKTYPE_C_HDLC (104): Cisco HDLC.
    pub const C_HDLC: LinkTypeNumber = LinkTypeNumber(104);
    /// LINKTYPE_IEEE802_11 (105): 802.11 without radio header.
    pub const IEEE802_11: LinkTypeNumber = LinkTypeNumber(105);
    /// LINKTYPE_FRELAY (107): Frame Relay.
    pub const FRELAY: LinkTypeNumber = LinkTypeNumber(107);
    /// LINKTYPE_LOOP (108): OpenBSD loopback, a 4-byte address family in network byte order.
    pub const LOOP: LinkTypeNumber = LinkTypeNumber(108);
    /// LINKTYPE_LINUX_SLL (113): Linux cooked capture v1, 16-byte header.
    pub const LINUX_SLL: LinkTypeNumber = LinkTypeNumber(113);
    /// LINKTYPE_LTALK (114): Apple LocalTalk.
    pub const LTALK: LinkTypeNumber = LinkTypeNumber(114);
    /// LINKTYPE_PFLOG (117): OpenBSD pflog.
    pub const PFLOG: LinkTypeNumber = LinkTypeNumber(117);
    /// LINKTYPE_IEEE802_11_PRISM (119): 802.11 with Prism header.
    pub const IEEE802_11_PRISM: LinkTypeNumber = LinkTypeNumber(119);
    /// LINKTYPE_IP_OVER_FC (122): IP over Fibre Channel.
    pub const IP_OVER_FC: LinkTypeNumber = LinkTypeNumber(122);
    /// LINKTYPE_SUNATM (123): SunATM.
    pub const SUNATM: LinkTypeNumber = LinkTypeNumber(123);
    /// LINKTYPE_IEEE802_11_RADIOTAP (127): 802.11 with radiotap header.
    pub const IEEE802_11_RADIOTAP: LinkTypeNumber = LinkTypeNumber(127);
    /// LINKTYPE_ARCNET_LINUX (129).
    pub const ARCNET_LINUX: LinkTypeNumber = LinkTypeNumber(129);
    /// LINKTYPE_APPLE_IP_OVER_IEEE1394 (138).
    pub const APPLE_IP_OVER_IEEE1394: LinkTypeNumber = LinkTypeNumber(138);
    /// LINKTYPE_MTP2_WITH_PHDR (139).
    pub const MTP2_WITH_PHDR: LinkTypeNumber = LinkTypeNumber(139);
    /// LINKTYPE_MTP2 (140).
    pub const MTP2: LinkTypeNumber = LinkTypeNumber(140);
    /// LINKTYPE_MTP3 (141).
    pub const MTP3: LinkTypeNumber = LinkTypeNumber(141);
    /// LINKTYPE_SCCP (142).
    pub const SCCP: LinkTypeNumber = LinkTypeNumber(142);
    /// LINKTYPE_DOCSIS (143).
    pub const DOCSIS: LinkTypeNumber = LinkTypeNumber(143);
    /// LINKTYPE_LINUX_IRDA (144).
    pub const LINUX_IRDA: LinkTypeNumber = LinkTypeNumber(144);
    /// LINKTYPE_IEEE802_11_AVS (163): 802.11 with AVS header.
    pub const IEEE802_11_AVS: LinkTypeNumber = LinkTypeNumber(163);
    /// LINKTYPE_BACNET_MS_TP (165).
    pub const BACNET_MS_TP: LinkTypeNumber = LinkTypeNumber(165);
    /// LINKTYPE_PPP_PPPD (166).
    pub const PPP_PPPD: LinkTypeNumber = LinkTypeNumber(166);
    /// LINKTYPE_GPRS_LLC (169).
    pub const GPRS_LLC: LinkTypeNumber = LinkTypeNumber(169);
    /// LINKTYPE_LINUX_LAPD (177).
    pub const LINUX_LAPD: LinkTypeNumber = LinkTypeNumber(177);
    /// LINKTYPE_BLUETOOTH_HCI_H4 (187).
    pub const BLUETOOTH_HCI_H4: LinkTypeNumber = LinkTypeNumber(187);
    /// LINKTYPE_USB_LINUX (189).
    pub const USB_LINUX: LinkTypeNumber = LinkTypeNumber(189);
    /// LINKTYPE_PPI (192): Per-Packet Information header.
    pub const PPI: LinkTypeNumber = LinkTypeNumber(192);
    /// LINKTYPE_IEEE802_15_4_WITHFCS (195).
    pub const IEEE802_15_4_WITHFCS: LinkTypeNumber = LinkTypeNumber(195);
    /// LINKTYPE_SITA (196).
    pub const SITA: LinkTypeNumber = LinkTypeNumber(196);
    /// LINKTYPE_ERF (197): Endace ERF.
    pub const ERF: LinkTypeNumber = LinkTypeNumber(197);
    /// LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR (201).
    pub const BLUETOOTH_HCI_H4_WITH_PHDR: LinkTypeNumber = LinkTypeNumber(201);
    /// LINKTYPE_LAPD (203).
    pub const LAPD: LinkTypeNumber = LinkTypeNumber(203);
    /// LINKTYPE_PPP_WITH_DIR (204).
    pub const PPP_WITH_DIR: LinkTypeNumber = LinkTypeNumber(204);
    /// LINKTYPE_C_HDLC_WITH_DIR (205).
    pub const C_HDLC_WITH_DIR: LinkTypeNumber = LinkTypeNumber(205);
    /// LINKTYPE_IPMB_LINUX (209).
    pub const IPMB_LINUX: LinkTypeNumber = LinkTypeNumber(209);
    /// LINKTYPE_IEEE802_15_4_NONASK_PHY (215).
    pub const IEEE802_15_4_NONASK_PHY: LinkTypeNumber = LinkTypeNumber(215);
    /// LINKTYPE_USB_LINUX_MMAPPED (220).
    pub const USB_LINUX_MMAPPED: LinkTypeNumber = LinkTypeNumber(220);
    /// LINKTYPE_IEEE802_15_4_NOFCS (230).
    pub const IEEE802_15_4_NOFCS: LinkTypeNumber = LinkTypeNumber(230);
    /// LINKTYPE_IPNET (226): Solaris ipnet.
    pub const IPNET: LinkTypeNumber = LinkTypeNumber(226);
    /// LINKTYPE_CAN_SOCKETCAN (227).
    pub const CAN_SOCKETCAN: LinkTypeNumber = LinkTypeNumber(227);
    /// LINKTYPE_IPV4 (228): raw IPv4.
    pub const IPV4: LinkTypeNumber = LinkTypeNumber(228);
    /// LINKTYPE_IPV6 (229): raw IPv6.
    pub const IPV6: LinkTypeNumber = LinkTypeNumber(229);
    /// LINKTYPE_DBUS (231).
    pub const DBUS: LinkTypeNumber = LinkTypeNumber(231);
    /// LINKTYPE_DVB_CI (235).
    pub const DVB_CI: LinkTypeNumber = LinkTypeNumber(235);
    /// LINKTYPE_NFLOG (239): Linux netfilter log.
    pub const NFLOG: LinkTypeNumber = LinkTypeNumber(239);
    /// LINKTYPE_NETANALYZER (240).
    pub const NETANALYZER: LinkTypeNumber = LinkTypeNumber(240);
    /// LINKTYPE_IPOIB (242): IP over InfiniBand.
    pub const IPOIB: LinkTypeNumber = LinkTypeNumber(242);
    /// LINKTYPE_NETLINK (253): Linux netlink.
    pub const NETLINK: LinkTypeNumber = LinkTypeNumber(253);
    /// LINKTYPE_BLUETOOTH_LINUX_MONITOR (254).
    pub const BLUETOOTH_LINUX_MONITOR: LinkTypeNumber = LinkTypeNumber(254);
    /// LINKTYPE_PKTAP (258): Apple PKTAP.
    pub const PKTAP: LinkTypeNumber = LinkTypeNumber(258);
    /// LINKTYPE_EPON (259).
    pub const EPON: LinkTypeNumber = LinkTypeNumber(259);
    /// LINKTYPE_USBPCAP (249): Windows USBPcap.
    pub const USBPCAP: LinkTypeNumber = LinkTypeNumber(249);
    /// LINKTYPE_NETANALYZER_TRANSPARENT (241).
    pub const NETANALYZER_TRANSPARENT: LinkTypeNumber = LinkTypeNumber(241);
    /// LINKTYPE_IEEE802_15_4_TAP (283).
    pub const IEEE802_15_4_TAP: LinkTypeNumber = LinkTypeNumber(283);
    /// LINKTYPE_LINUX_SLL2 (276): Linux cooked capture v2, 20-byte header.
    pub const LINUX_SLL2: LinkTypeNumber = LinkTypeNumber(276);
    /// LINKTYPE_NORDIC_BLE (272).
    pub const NORDIC_BLE: LinkTypeNumber = LinkTypeNumber(272);
    /// LINKTYPE_VSOCK (271).
    pub const VSOCK: LinkTypeNumber = LinkTypeNumber(271);
    /// LINKTYPE_DSA_TAG_BRCM (274).
    pub const DSA_TAG_BRCM: LinkTypeNumber = LinkTypeNumber(274);
    /// LINKTYPE_ETW (290): Windows Event Tracing.
    pub const ETW: LinkTypeNumber = LinkTypeNumber(290);

    /// The `LINKTYPE_` name of this number, or `LINKTYPE_UNKNOWN` when it is not in the table.
    ///
    /// ```
    /// use pktforge::capture::LinkTypeNumber;
    /// assert_eq!(LinkTypeNumber::LINUX_SLL2.name(), "LINKTYPE_LINUX_SLL2");
    /// assert_eq!(LinkTypeNumber(12).name(), "LINKTYPE_RAW");
    /// assert_eq!(LinkTypeNumber(65000).name(), "LINKTYPE_UNKNOWN");
    /// ```
    pub fn name(self) -> &'static str {
        match NAMES.binary_search_by_key(&self.0, |&(n, _)| n) {
            Ok(i) => NAMES.get(i).map_or("LINKTYPE_UNKNOWN", |&(_, s)| s),
            Err(_) => "LINKTYPE_UNKNOWN",
        }
    }

    /// Whether the name table knows this number.
    pub fn is_known(self) -> bool {
        NAMES.binary_search_by_key(&self.0, |&(n, _)| n).is_ok()
    }
}

impl fmt::Display for LinkTypeNumber {
    /// `LINKTYPE_ETHERNET (1)`, or `LINKTYPE_UNKNOWN (65000)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// Number → name, sorted by number (checked by a test).
const NAMES: &[(u32, &str)] = &[
    (0, "LINKTYPE_NULL"),
    (1, "LINKTYPE_ETHERNET"),
    (3, "LINKTYPE_AX25"),
    (6, "LINKTYPE_IEEE802_5"),
    (7, "LINKTYPE_ARCNET_BSD"),
    (8, "LINKTYPE_SLIP"),
    (9, "LINKTYPE_PPP"),
    (10, "LINKTYPE_FDDI"),
    // DLT_RAW on some BSDs; pcap files written there carry 12 (or 14 on OpenBSD).
    (12, "LINKTYPE_RAW"),
    (14, "LINKTYPE_RAW"),
    (50, "LINKTYPE_PPP_HDLC"),
    (51, "LINKTYPE_PPP_ETHER"),
    (100, "LINKTYPE_ATM_RFC1483"),
    (101, "LINKTYPE_RAW"),
    (104, "LINKTYPE_C_HDLC"),
    (105, "LINKTYPE_IEEE802_11"),
    (107, "LINKTYPE_FRELAY"),
    (108, "LINKTYPE_LOOP"),
    (113, "LINKTYPE_LINUX_SLL"),
    (114, "LINKTYPE_LTALK"),
    (117, "LINKTYPE_PFLOG"),
    (119, "LINKTYPE_IEEE802_11_PRISM"),
    (122, "LINKTYPE_IP_OVER_FC"),
    (123, "LINKTYPE_SUNATM"),
    (127, "LINKTYPE_IEEE802_11_RADIOTAP"),
    (129, "LINKTYPE_ARCNET_LINUX"),
    (138, "LINKTYPE_APPLE_IP_OVER_IEEE1394"),
    (139, "LINKTYPE_MTP2_WITH_PHDR"),
    (140, "LINKTYPE_MTP2"),
    (141, "LINKTYPE_MTP3"),
    (142, "LINKTYPE_SCCP"),
    (143, "LINKTYPE_DOCSIS"),
    (144, "LINKTYPE_LINUX_IRDA"),
    (147, "LINKTYPE_USER0"),
    (163, "LINKTYPE_IEEE802_11_AVS"),
    (165, "LINKTYPE_BACNET_MS_TP"),
    (166, "LINKTYPE_PPP_PPPD"),
    (169, "LINKTYPE_GPRS_LLC"),
    (177, "LINKTYPE_LINUX_LAPD"),
    (187, "LINKTYPE_BLUETOOTH_HCI_H4"),
    (189, "LINKTYPE_USB_LINUX"),
    (192, "LINKTYPE_PPI"),
    (195, "LINKTYPE_IEEE802_15_4_WITHFCS"),
    (196, "LINKTYPE_SITA"),
    (197, "LINKTYPE_ERF"),
    (201, "LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR"),
    (203, "LINKTYPE_LAPD"),
    (204, "LINKTYPE_PPP_WITH_DIR"),
    (205, "LINKTYPE_C_HDLC_WITH_DIR"),
    (209, "LINKTYPE_IPMB_LINUX"),
    (215, "LINKTYPE_IEEE802_15_4_NONASK_PHY"),
    (220, "LINKTYPE_USB_LINUX_MMAPPED"),
    (226, "LINKTYPE_IPNET"),
    (227, "LINKTYPE_CAN_SOCKETCAN"),
    (228, "LINKTYPE_IPV4"),
    (229, "LINKTYPE_IPV6"),
    (230, "LINKTYPE_IEEE802_15_4_NOFCS"),
    (231, "LINKTYPE_DBUS"),
    (235, "LINKTYPE_DVB_CI"),
    (239, "LINKTYPE_NFLOG"),
    (240, "LINKTYPE_NETANALYZER"),
    (241, "LINKTYPE_NETANALYZER_TRANSPARENT"),
    (242, "LINKTYPE_IPOIB"),
    (249, "LINKTYPE_USBPCAP"),
    (253, "LINKTYPE_NETLINK"),
    (254, "LINKTYPE_BLUETOOTH_LINUX_MONITOR"),
    (258, "LINKTYPE_PKTAP"),
    (259, "LINKTYPE_EPON"),
    (271, "LINKTYPE_VSOCK"),
    (272, "LINKTYPE_NORDIC_BLE"),
    (274, "LINKTYPE_DSA_TAG_BRCM"),
    (276, "LINKTYPE_LINUX_SLL2"),
    (283, "LINKTYPE_IEEE802_15_4_TAP"),
    (290, "LINKTYPE_ETW"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_and_named() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(NAMES.iter().all(|(_, n)| n.starts_with("LINKTYPE_")));
        for (lt, name) in [
            (LinkTypeNumber::ETHERNET, "LINKTYPE_ETHERNET"),
            (LinkTypeNumber::RAW, "LINKTYPE_RAW"),
            (LinkTypeNumber::RAW_BSD, "LINKTYPE_RAW"),
            (LinkTypeNumber::IPV4, "LINKTYPE_IPV4"),
            (LinkTypeNumber::IPV6, "LINKTYPE_IPV6"),
            (LinkTypeNumber::LINUX_SLL, "LINKTYPE_LINUX_SLL"),
            (LinkTypeNumber::LINUX_SLL2, "LINKTYPE_LINUX_SLL2"),
            (LinkTypeNumber::NULL, "LINKTYPE_NULL"),
            (LinkTypeNumber::LOOP, "LINKTYPE_LOOP"),
        ] {
            assert_eq!(lt.name(), name);
            assert!(lt.is_known());
        }
        assert_eq!(LinkTypeNumber(9999).to_string(), "LINKTYPE_UNKNOWN (9999)");
        assert_eq!(LinkTypeNumber(1).to_string(), "LINKTYPE_ETHERNET (1)");
    }
}
