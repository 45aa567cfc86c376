//! Builds one TCP SYN many times (for profiling the build path).
use pktforge::prelude::*;
fn main() {
    let p = Ether::new()
        .src("02:00:00:00:00:01")
        .dst("02:00:00:00:00:02")
        / IP::new().src("198.18.0.1").dst("198.18.0.2")
        / TCP::new()
            .sport(40000u16)
            .dport(80u16)
            .seq(1u32)
            .flags("S")
            .window(64240u16)
            .options(vec![
                TcpOption::Mss(1460),
                TcpOption::SAckOK,
                TcpOption::Timestamp(1, 0),
                TcpOption::Nop,
                TcpOption::WScale(7),
            ]);
    let mut buf = Vec::with_capacity(256);
    let mut n = 0usize;
    let n_iter: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    for _ in 0..n_iter {
        p.build_into(&mut buf).unwrap();
        n += buf.len();
    }
    println!("{n}");
}
