//! A three-namespace lab for the sending and reply-matching tests: client - router - server,
//! created with unique names and deleted by `Drop` even when the test panics.
//!
//! ```text
//!  client                    router                               server
//!  198.18.0.1/24    --veth-- 198.18.0.254/24  198.18.1.254/24 --veth-- 198.18.1.2/24
//!  fd00:beef::1/64           fd00:beef::fe/64 fd00:beef:1::fe/64        fd00:beef:1::2/64
//! ```
//!
//! The router forwards (IPv4 and IPv6); client and server route everything through it.
//! Duplicate address detection, router solicitations and router advertisements are off and
//! the MACs are fixed, so the kernel sends as little as possible on its own. Background
//! servers (a Python TCP listener, dnsmasq, a Python ICMP responder) are killed in `Drop`.
//! Nothing here touches the machine's own interfaces or any address outside 198.18.0.0/15
//! and fd00:beef::/48.
//!
//! [`run_timeout`] runs any command with a deadline (the child is killed when it passes), so
//! a test ends in bounded time even if a command under test hangs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub const CLIENT_V4: &str = "198.18.0.1";
pub const CLIENT_V6: &str = "fd00:beef::1";
pub const ROUTER_C_V4: &str = "198.18.0.254";
pub const ROUTER_C_V6: &str = "fd00:beef::fe";
pub const ROUTER_S_V4: &str = "198.18.1.254";
pub const ROUTER_S_V6: &str = "fd00:beef:1::fe";
pub const SERVER_V4: &str = "198.18.1.2";
pub const SERVER_V6: &str = "fd00:beef:1::2";
/// The address dnsmasq gives for anything under lab.test.
pub const DNS_ANSWER: &str = "198.18.1.7";
/// The port of the Python TCP listener on the server.
pub const TCP_PORT: u16 = 8080;

/// MAC of the client's veth.
pub const MAC_CLIENT: &str = "02:00:5e:30:00:01";
/// MAC of the router's veth facing the client.
pub const MAC_ROUTER_C: &str = "02:00:5e:30:00:fe";
/// MAC of the router's veth facing the server.
pub const MAC_ROUTER_S: &str = "02:00:5e:30:01:fe";
/// MAC of the server's veth.
pub const MAC_SERVER: &str = "02:00:5e:30:01:02";

static SEQ: AtomicU32 = AtomicU32::new(0);

/// What a command run by [`run_timeout`] did.
#[derive(Debug)]
pub struct Out {
    /// The exit code; `None` when killed (by the deadline or a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Wall time from spawn to exit.
    pub elapsed: Duration,
    /// Whether the deadline passed and the child was killed.
    pub timed_out: bool,
}

impl Out {
    /// Everything, for assertion messages.
    pub fn show(&self) -> String {
        format!(
            "exit {:?}{} after {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code,
            if self.timed_out {
                " (killed at the deadline)"
            } else {
                ""
            },
            self.elapsed,
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `cmd` to completion, killing it after `limit`; stdout and stderr are collected.
pub fn run_timeout(mut cmd: Command, limit: Duration) -> Out {
    let t0 = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if t0.elapsed() >= limit => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("wait {cmd:?}: {e}"),
        }
    };
    let elapsed = t0.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Out {
        code: status.code(),
        stdout,
        stderr,
        elapsed,
        timed_out,
    }
}

#[path = "mod.rs"]
mod netns;
pub use netns::is_root;

/// Whether `program` can be run at all (`program ARG` spawns).
pub fn have(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn ip(args: &[&str]) -> Result<(), String> {
    let o = run_timeout(
        {
            let mut c = Command::new("ip");
            c.args(args);
            c
        },
        Duration::from_secs(10),
    );
    if o.code == Some(0) {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), o.stderr.trim()))
    }
}

/// The lab: namespace and interface names, and the background servers it started.
pub struct Lab3 {
    pub client: String,
    pub router: String,
    pub server: String,
    /// The client's veth.
    pub veth_c: String,
    /// The router's veth facing the client.
    pub veth_rc: String,
    /// The router's veth facing the server.
    pub veth_rs: String,
    /// The server's veth.
    pub veth_s: String,
    /// A private directory (pid files), removed in `Drop`.
    pub dir: PathBuf,
    children: Mutex<Vec<Child>>,
    /// When the lab was created: [`Lab3::run`] ends every command by [`TEST_BUDGET`] after.
    start: Instant,
}

/// How long a test may run from the lab's creation: [`Lab3::run`] cuts every command's
/// deadline to what is left of it, so a test ends within 30 s even if its commands hang.
pub const TEST_BUDGET: Duration = Duration::from_secs(27);

impl Lab3 {
    /// Creates the lab, or returns `None` after printing why the test is skipped (not root,
    /// `ip` missing, network namespaces not allowed here).
    pub fn new(test: &str) -> Option<Lab3> {
        if !is_root() {
            eprintln!("skipping {test}: network-namespace tests need root (CI runs them as root)");
            return None;
        }
        if !have("ip", "-V") {
            eprintln!("skipping {test}: the `ip` command (iproute2) is not installed");
            return None;
        }
        let start = Instant::now();
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let tag = format!("{}{n}", std::process::id() % 100_000);
        let dir = std::env::temp_dir().join(format!("pktforge-lab3-{tag}"));
        let _ = std::fs::create_dir_all(&dir);
        let lab = Lab3 {
            client: format!("pf3-c{tag}"),
            router: format!("pf3-r{tag}"),
            server: format!("pf3-s{tag}"),
            // Interface names: at most 15 bytes.
            veth_c: format!("p3c{tag}"),
            veth_rc: format!("p3rc{tag}"),
            veth_rs: format!("p3rs{tag}"),
            veth_s: format!("p3s{tag}"),
            dir,
            children: Mutex::new(Vec::new()),
            start,
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

    fn sysctl(&self, ns: &str, kv: &str) -> Result<(), String> {
        let o = self.run(ns, "sysctl", &["-qw", kv], 5);
        if o.code == Some(0) {
            Ok(())
        } else {
            Err(format!("sysctl -w {kv} in {ns}: {}", o.stderr.trim()))
        }
    }

    fn setup(&self) -> Result<(), String> {
        for ns in [&self.client, &self.router, &self.server] {
            ip(&["netns", "add", ns])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
            for kv in [
                "net.ipv6.conf.all.accept_dad=0",
                "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.all.router_solicitations=0",
                "net.ipv6.conf.default.router_solicitations=0",
                "net.ipv6.conf.all.accept_ra=0",
                "net.ipv6.conf.default.accept_ra=0",
            ] {
                // Best effort: the addresses are `nodad` anyway.
                let _ = self.sysctl(ns, kv);
            }
        }
        // No ICMP rate limit: back-to-back traceroutes (ours, then traceroute(8)) would
        // otherwise see `*` where the errors were suppressed. Both limits: the one per
        // destination, and the host-wide token bucket (1000/s, burst 50), which ours' 84
        // port unreachables at once emptied, so traceroute(8) right after saw `*` at hops
        // 2 to 6 (CI, a loaded machine).
        for ns in [&self.router, &self.server] {
            let _ = self.sysctl(ns, "net.ipv4.icmp_ratelimit=0");
            let _ = self.sysctl(ns, "net.ipv6.icmp.ratelimit=0");
            let _ = self.sysctl(ns, "net.ipv4.icmp_msgs_per_sec=1000000");
            let _ = self.sysctl(ns, "net.ipv4.icmp_msgs_burst=1000000");
        }
        self.sysctl(&self.router, "net.ipv4.ip_forward=1")?;
        self.sysctl(&self.router, "net.ipv6.conf.all.forwarding=1")?;
        for (ns1, dev1, ns2, dev2) in [
            (&self.client, &self.veth_c, &self.router, &self.veth_rc),
            (&self.router, &self.veth_rs, &self.server, &self.veth_s),
        ] {
            ip(&[
                "link", "add", dev1, "netns", ns1, "type", "veth", "peer", "name", dev2, "netns",
                ns2,
            ])?;
        }
        for (ns, dev, mac, v4, v6) in [
            (
                &self.client,
                &self.veth_c,
                MAC_CLIENT,
                "198.18.0.1/24",
                "fd00:beef::1/64",
            ),
            (
                &self.router,
                &self.veth_rc,
                MAC_ROUTER_C,
                "198.18.0.254/24",
                "fd00:beef::fe/64",
            ),
            (
                &self.router,
                &self.veth_rs,
                MAC_ROUTER_S,
                "198.18.1.254/24",
                "fd00:beef:1::fe/64",
            ),
            (
                &self.server,
                &self.veth_s,
                MAC_SERVER,
                "198.18.1.2/24",
                "fd00:beef:1::2/64",
            ),
        ] {
            ip(&["-n", ns, "link", "set", dev, "address", mac])?;
            ip(&["-n", ns, "addr", "add", v4, "dev", dev])?;
            ip(&["-n", ns, "addr", "add", v6, "dev", dev, "nodad"])?;
            ip(&["-n", ns, "link", "set", dev, "up"])?;
        }
        // The carrier comes up shortly after both ends are up: wait (bounded) for it, then
        // add the default routes (a route via a gateway needs the link up).
        let t0 = Instant::now();
        loop {
            let up = [
                (&self.client, &self.veth_c),
                (&self.router, &self.veth_rc),
                (&self.router, &self.veth_rs),
                (&self.server, &self.veth_s),
            ]
            .iter()
            .all(|(ns, dev)| {
                let o = self.run(ns, "cat", &[&format!("/sys/class/net/{dev}/operstate")], 5);
                o.stdout.trim() == "up"
            });
            if up {
                break;
            }
            if t0.elapsed() > Duration::from_secs(5) {
                return Err("the veth pairs did not come up within 5 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        ip(&[
            "-n",
            &self.client,
            "route",
            "add",
            "default",
            "via",
            ROUTER_C_V4,
        ])?;
        ip(&[
            "-n",
            &self.client,
            "-6",
            "route",
            "add",
            "default",
            "via",
            ROUTER_C_V6,
        ])?;
        ip(&[
            "-n",
            &self.server,
            "route",
            "add",
            "default",
            "via",
            ROUTER_S_V4,
        ])?;
        ip(&[
            "-n",
            &self.server,
            "-6",
            "route",
            "add",
            "default",
            "via",
            ROUTER_S_V6,
        ])?;
        Ok(())
    }

    /// A command run inside namespace `ns` (`ip netns exec NS PROGRAM`); `ip netns exec`
    /// execs the program, so killing the child kills the program.
    pub fn exec(&self, ns: &str, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, program]);
        c
    }

    /// Runs `PROGRAM ARGS` in `ns`, killed after `secs` seconds, or sooner when the test's
    /// [`TEST_BUDGET`] runs out first.
    pub fn run(&self, ns: &str, program: &str, args: &[&str], secs: u64) -> Out {
        let left = TEST_BUDGET.saturating_sub(self.start.elapsed());
        let limit = Duration::from_secs(secs)
            .min(left)
            .max(Duration::from_millis(100));
        let mut c = self.exec(ns, program);
        c.args(args);
        run_timeout(c, limit)
    }

    /// Starts `PROGRAM ARGS` in `ns` in the background; `Drop` kills it. Returns its pid.
    pub fn spawn(&self, ns: &str, program: &str, args: &[&str]) -> u32 {
        let child = self
            .exec(ns, program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {program} in {ns}: {e}"));
        let pid = child.id();
        self.children.lock().unwrap().push(child);
        pid
    }

    /// Kills (and reaps) a background process started by [`Lab3::spawn`].
    pub fn kill(&self, pid: u32) {
        let mut v = self.children.lock().unwrap();
        if let Some(i) = v.iter().position(|c| c.id() == pid) {
            let mut c = v.remove(i);
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits (at most 5 s) until something listens on `port` in `ns` (`ss`; `udp` or `tcp`).
    fn wait_listening(&self, ns: &str, proto: &str, port: u16) -> Result<(), String> {
        let flag = if proto == "udp" { "-Hlun" } else { "-Hltn" };
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            let o = self.run(ns, "ss", &[flag, &format!("sport = :{port}")], 5);
            if !o.stdout.trim().is_empty() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!(
            "nothing listens on {proto} port {port} in {ns} after 5 s"
        ))
    }

    /// Starts a Python TCP listener on the server, 198.18.1.2:`port` (it accepts and closes
    /// connections), and waits until it listens.
    pub fn start_tcp_listener(&self, port: u16) -> Result<u32, String> {
        const LISTENER: &str = r#"
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
"#;
        let pid = self.spawn(
            &self.server,
            "python3",
            &["-c", LISTENER, SERVER_V4, &port.to_string()],
        );
        self.wait_listening(&self.server, "tcp", port)?;
        Ok(pid)
    }

    /// Starts dnsmasq on the server (198.18.1.2:53, `*.lab.test` -> 198.18.1.7) and waits
    /// until it listens.
    pub fn start_dnsmasq(&self) -> Result<u32, String> {
        if !have("dnsmasq", "--version") {
            return Err("dnsmasq is not installed".into());
        }
        let pid_file = self.dir.join("dnsmasq.pid");
        let pid = self.spawn(
            &self.server,
            "dnsmasq",
            &[
                "--no-daemon",
                "--no-resolv",
                "--no-hosts",
                &format!("--listen-address={SERVER_V4}"),
                "--bind-interfaces",
                &format!("--address=/lab.test/{DNS_ANSWER}"),
                "--port=53",
                &format!("--pid-file={}", pid_file.display()),
                "--conf-file=/dev/null",
                // Runs as root inside the namespace: nobody's rights are not needed.
                "--user=root",
            ],
        );
        self.wait_listening(&self.server, "udp", 53)?;
        Ok(pid)
    }

    /// Replaces the server kernel's echo replies by a Python responder that answers echo
    /// requests at once, except those with ICMP id `slow_id`, answered after `delay`.
    /// Waits until it runs.
    pub fn start_icmp_responder(&self, slow_id: u16, delay: Duration) -> Result<u32, String> {
        const RESPONDER: &str = r#"
import socket, struct, sys, threading
def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
slow, delay = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
print("ready", flush=True)
while True:
    d, a = s.recvfrom(65535)
    icmp = d[(d[0] & 15) * 4:]
    if len(icmp) < 8 or icmp[0] != 8:
        continue
    rep = b'\0\0\0\0' + icmp[4:]
    rep = rep[:2] + struct.pack('!H', csum(rep)) + rep[4:]
    if struct.unpack('!H', icmp[4:6])[0] == slow:
        threading.Timer(delay, s.sendto, (rep, (a[0], 0))).start()
    else:
        s.sendto(rep, (a[0], 0))
"#;
        self.sysctl(&self.server, "net.ipv4.icmp_echo_ignore_all=1")?;
        let mut child = self
            .exec(&self.server, "python3")
            .args([
                "-c",
                RESPONDER,
                &slow_id.to_string(),
                &delay.as_secs_f64().to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("python3: {e}"))?;
        let stdout = child.stdout.take().expect("stdout");
        let pid = child.id();
        self.children.lock().unwrap().push(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut l = String::new();
            let _ = BufReader::new(stdout).read_line(&mut l);
            let _ = tx.send(l);
        });
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(l) if l.trim() == "ready" => Ok(pid),
            _ => Err("the ICMP responder did not start within 5 s".into()),
        }
    }
}

impl Drop for Lab3 {
    fn drop(&mut self) {
        // Background servers first: a namespace with a process in it outlives `ip netns del`.
        if let Ok(mut v) = self.children.lock() {
            for c in v.iter_mut() {
                let _ = c.kill();
                let _ = c.wait();
            }
            v.clear();
        }
        // Deleting a namespace deletes the veth ends in it, and with them their peers.
        for ns in [&self.client, &self.router, &self.server] {
            let _ = ip(&["netns", "del", ns]);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
