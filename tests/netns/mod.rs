//! A network lab for live-capture tests: two namespaces joined by a veth pair, created with
//! unique names and deleted by `Drop` even when the test fails.
//!
//! Side A has 198.18.0.1/24 and fd00:beef::1/64 on its veth, side B 198.18.0.2/24 and
//! fd00:beef::2/64, fixed MACs, IPv6 duplicate address detection and router solicitations
//! off (so the kernel sends as little as possible on its own). [`Lab::send`] sends frames
//! out of A's veth with a raw AF_PACKET socket (a bounded Python loop inside the
//! namespace). Nothing here touches the machine's own interfaces.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The lab: namespace and interface names.
pub struct Lab {
    /// Namespace of side A (the sender).
    pub ns_a: String,
    /// Namespace of side B (where captures run).
    pub ns_b: String,
    /// A's veth end.
    pub veth_a: String,
    /// B's veth end.
    pub veth_b: String,
}

/// MAC of A's veth.
pub const MAC_A: &str = "02:00:5e:10:00:0a";
/// MAC of B's veth.
pub const MAC_B: &str = "02:00:5e:10:00:0b";

static SEQ: AtomicU32 = AtomicU32::new(0);

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether this process runs as root (reads /proc/self/status: no unsafe needed).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn ip(args: &[&str]) -> Result<(), String> {
    let o = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

impl Lab {
    /// Creates the lab, or returns `None` after printing why the test is skipped (not root,
    /// `ip` or `python3` missing, network namespaces not allowed here).
    pub fn new(test: &str) -> Option<Lab> {
        if !is_root() {
            eprintln!("skipping {test}: network-namespace tests need root (CI runs them as root)");
            return None;
        }
        if !have("ip") {
            eprintln!("skipping {test}: the `ip` command (iproute2) is not installed");
            return None;
        }
        if Command::new("python3")
            .arg("-c")
            .arg("pass")
            .status()
            .map_or(true, |s| !s.success())
        {
            eprintln!("skipping {test}: python3 is needed to send raw frames in the lab");
            return None;
        }
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let tag = format!("{}{n}", std::process::id() % 100_000);
        let lab = Lab {
            ns_a: format!("pktforge-a{tag}"),
            ns_b: format!("pktforge-b{tag}"),
            veth_a: format!("pfa{tag}"),
            veth_b: format!("pfb{tag}"),
        };
        // From here on Drop deletes whatever was created.
        match lab.setup() {
            Ok(()) => Some(lab),
            Err(e) => {
                // Root but no namespaces (a container without CAP_SYS_ADMIN): skip, loudly.
                eprintln!("skipping {test}: cannot build the namespace lab: {e}");
                None
            }
        }
    }

    fn setup(&self) -> Result<(), String> {
        ip(&["netns", "add", &self.ns_a])?;
        ip(&["netns", "add", &self.ns_b])?;
        ip(&[
            "link",
            "add",
            &self.veth_a,
            "netns",
            &self.ns_a,
            "type",
            "veth",
            "peer",
            "name",
            &self.veth_b,
            "netns",
            &self.ns_b,
        ])?;
        for (ns, dev, mac, v4, v6) in [
            (
                &self.ns_a,
                &self.veth_a,
                MAC_A,
                "198.18.0.1/24",
                "fd00:beef::1/64",
            ),
            (
                &self.ns_b,
                &self.veth_b,
                MAC_B,
                "198.18.0.2/24",
                "fd00:beef::2/64",
            ),
        ] {
            for (k, v) in [
                ("net.ipv6.conf.all.accept_dad", "0"),
                ("net.ipv6.conf.default.accept_dad", "0"),
                ("net.ipv6.conf.all.router_solicitations", "0"),
                ("net.ipv6.conf.default.router_solicitations", "0"),
            ] {
                let _ = Command::new("ip")
                    .args(["netns", "exec", ns, "sysctl", "-qw", &format!("{k}={v}")])
                    .output();
            }
            ip(&["-n", ns, "link", "set", dev, "address", mac])?;
            ip(&["-n", ns, "addr", "add", v4, "dev", dev])?;
            ip(&["-n", ns, "addr", "add", v6, "dev", dev, "nodad"])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        ip(&[
            "-n",
            &self.ns_b,
            "route",
            "add",
            "default",
            "via",
            "198.18.0.1",
        ])?;
        // The carrier comes up shortly after both ends are up: wait (bounded) for it.
        let t0 = std::time::Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            let up = [(&self.ns_a, &self.veth_a), (&self.ns_b, &self.veth_b)]
                .iter()
                .all(|(ns, dev)| {
                    let o = self.run(ns, "cat", &[&format!("/sys/class/net/{dev}/operstate")]);
                    String::from_utf8_lossy(&o.stdout).trim() == "up"
                });
            if up {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err("the veth pair did not come up within 5 s".into())
    }

    /// A command run inside namespace `ns` (`ip netns exec NS PROGRAM`).
    pub fn exec(&self, ns: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, program]);
        c
    }

    /// Sends `frames` out of A's veth, in order, with a raw AF_PACKET socket, giving up
    /// after `limit`; returns how many were sent.
    pub fn send(&self, frames: &[Vec<u8>], limit: Duration) -> usize {
        const SENDER: &str = r#"
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
d = sys.stdin.buffer.read()
end = time.monotonic() + float(sys.argv[2])
i = n = 0
while i + 4 <= len(d) and time.monotonic() < end:
    (l,) = struct.unpack_from('<I', d, i)
    i += 4
    while time.monotonic() < end:
        try:
            s.send(d[i:i + l])
            n += 1
            break
        except OSError:
            time.sleep(0.0005)
    i += l
print(n)
"#;
        let mut input = Vec::new();
        for f in frames {
            input.extend_from_slice(&(f.len() as u32).to_le_bytes());
            input.extend_from_slice(f);
        }
        let mut child = self
            .exec(&self.ns_a, "python3")
            .args(["-c", SENDER, &self.veth_a, &limit.as_secs_f64().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 in the lab");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(&input);
        }
        let out = child.wait_with_output().expect("sender");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    }

    /// Runs `ip netns exec NS ARGS...` to completion.
    pub fn run(&self, ns: &str, program: &str, args: &[&str]) -> Output {
        self.exec(ns, program)
            .args(args)
            .output()
            .expect("ip netns exec")
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth end in it, and with it its peer.
        let _ = ip(&["netns", "del", &self.ns_a]);
        let _ = ip(&["netns", "del", &self.ns_b]);
    }
}
