//! `pktforge ifaces` inside a namespace lab: the veth shows with its index, MAC, addresses,
//! MTU, flags, link type and the default route the lab gives it.

mod netns;

use netns::{Lab, MAC_B};

#[test]
fn ifaces_lists_the_lab_veth() {
    let Some(lab) = Lab::new("ifaces_lists_the_lab_veth") else {
        return;
    };
    let exe = env!("CARGO_BIN_EXE_pktforge");
    let o = lab.run(&lab.ns_b, exe, &["ifaces"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    // The veth's own index, as `ip` reports it in the namespace.
    let link = lab.run(&lab.ns_b, "ip", &["-o", "link", "show", &lab.veth_b]);
    let link = String::from_utf8_lossy(&link.stdout).to_string();
    let index: u32 = link
        .split(':')
        .next()
        .and_then(|s| s.trim().parse().ok())
        .expect("ip -o link index");
    let want = format!(
        "{index}: {} <UP,RUNNING> mtu 1500 link-type EN10MB (Ethernet) default-route ipv4\n    \
         ether {MAC_B}\n    inet 198.18.0.2/24\n    inet6 fd00:beef::2/64\n",
        lab.veth_b
    );
    assert!(text.contains(&want), "want\n{want}\nin\n{text}");
    assert!(
        text.starts_with("1: lo <UP,RUNNING,LOOPBACK> mtu 65536 link-type EN10MB (Ethernet)\n"),
        "{text}"
    );

    let o = lab.run(&lab.ns_b, exe, &["ifaces", "--json"]);
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 2, "lo and the veth only");
    let v = lines
        .iter()
        .find(|v| v["name"] == lab.veth_b.as_str())
        .expect("the veth");
    assert_eq!(v["index"], index);
    assert_eq!(v["mac"], MAC_B);
    assert_eq!(v["ipv4"], serde_json::json!(["198.18.0.2/24"]));
    assert_eq!(v["ipv6"][0], "fd00:beef::2/64");
    assert_eq!(v["mtu"], 1500);
    assert_eq!(v["flags"], serde_json::json!(["UP", "RUNNING"]));
    assert_eq!(v["arphrd"], 1);
    assert_eq!(v["linktype"], 1);
    assert_eq!(v["default_ipv4"], true);
    assert_eq!(v["default_ipv6"], false);
}
