//! `pktforge export` read back by DuckDB (the `duckdb` Python package): every row and every
//! column equals `pktforge read --json` of the same packet, SQL answers equal counts made
//! from `read --json`, a partitioned export reads back with `hive_partitioning` and prunes,
//! and a directory with a broken file exports the rest. The DuckDB tests print a skip reason
//! and pass when python3 or duckdb is missing (CI installs duckdb).
#![cfg(feature = "export")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Map, Value};

/// Dumps a Parquet dataset or runs a query, one JSON line per row. `dump GLOB HIVE`: a
/// first line `[[name, type], ...]`, then the rows, timestamps as epoch nanoseconds and
/// decimals as their text. `sql QUERY`: the rows of the query.
const DUCK: &str = r#"
import json, sys
import duckdb
c = duckdb.connect()
mode, arg = sys.argv[1], sys.argv[2]
if mode == "dump":
    src = "read_parquet('%s', hive_partitioning=%s)" % (arg, sys.argv[3])
    cols = c.sql("DESCRIBE SELECT * FROM " + src).fetchall()
    exprs = []
    for name, ty, *_ in cols:
        q = '"' + name.replace('"', '""') + '"'
        if ty.startswith("TIMESTAMP"):
            exprs.append("epoch_ns(%s) AS %s" % (q, q))
        elif ty.startswith("DECIMAL"):
            exprs.append("CAST(%s AS VARCHAR) AS %s" % (q, q))
        else:
            exprs.append(q)
    print(json.dumps([[n, t] for n, t, *_ in cols]))
    for row in c.sql("SELECT %s FROM %s" % (", ".join(exprs), src)).fetchall():
        print(json.dumps(list(row)))
else:
    for row in c.sql(arg).fetchall():
        print(json.dumps(list(row), default=str))
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pktforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .output()
        .expect("run pktforge")
}

fn ok(args: &[&str]) -> String {
    let o = pktforge(args);
    assert!(
        o.status.success(),
        "pktforge {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A directory of its own for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("pktforge-export-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn join(&self, s: &str) -> PathBuf {
        self.0.join(s)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// True when python3 can import duckdb; otherwise prints why the test is skipped.
fn have_duckdb(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!(
            "skipped {test}: the duckdb Python package is not installed (python3 -m pip install duckdb)"
        );
    }
    ok
}

fn duck(args: &[&str]) -> Vec<Value> {
    let o = Command::new("python3")
        .arg("-c")
        .arg(DUCK)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "duckdb {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The columns and rows of a dataset, as DuckDB reads them.
struct Table {
    names: Vec<String>,
    types: Vec<String>,
    rows: Vec<Vec<Value>>,
}

fn dump(glob: &Path, hive: bool) -> Table {
    let g = glob.display().to_string();
    let mut lines = duck(&["dump", &g, if hive { "true" } else { "false" }]).into_iter();
    let head = lines.next().unwrap();
    let (names, types) = head
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c[0].as_str().unwrap().to_string(),
                c[1].as_str().unwrap().to_string(),
            )
        })
        .unzip();
    let rows = lines.map(|r| r.as_array().unwrap().clone()).collect();
    Table { names, types, rows }
}

/// `pktforge read --json` of every input of `paths` (in the order export reads them), with
/// these extra arguments.
fn read_json(paths: &[PathBuf], extra: &[&str]) -> Vec<Map<String, Value>> {
    let inputs = pktforge::export::list_inputs(paths).unwrap();
    let mut rows = Vec::new();
    for f in inputs {
        let f = f.display().to_string();
        let mut args = vec!["read", "--json", f.as_str()];
        args.extend_from_slice(extra);
        for l in ok(&args).lines() {
            match serde_json::from_str(l).unwrap() {
                Value::Object(m) => rows.push(m),
                other => panic!("not an object: {other}"),
            }
        }
    }
    rows
}

/// `1795270721.774755000` (a JSON number's text) in nanoseconds.
fn ns_of(text: &str) -> i128 {
    let (neg, t) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let (s, f) = t.split_once('.').unwrap_or((t, "0"));
    let f = format!("{f:0<9}");
    let v = s.parse::<i128>().unwrap() * 1_000_000_000 + f[..9].parse::<i128>().unwrap();
    if neg { -v } else { v }
}

/// One value of `read --json` equals one value DuckDB read from a column of type `ty`.
fn same(j: &Value, p: &Value, ty: &str) -> bool {
    let ty = ty.trim_end_matches("[]");
    if ty.starts_with("TIMESTAMP") {
        return p.as_i64().map(i128::from) == Some(ns_of(&j.to_string()));
    }
    if ty.starts_with("DECIMAL") {
        return p.as_str() == Some(j.to_string().as_str());
    }
    match ty {
        "BOOLEAN" => p.as_bool() == j.as_u64().map(|n| n == 1),
        "VARCHAR" => p.as_str().is_some() && p.as_str() == j.as_str(),
        _ => {
            let want = match j {
                Value::String(s) => s
                    .strip_prefix("0x")
                    .and_then(|h| u64::from_str_radix(h, 16).ok()),
                Value::Number(n) => n.as_u64(),
                _ => None,
            };
            want.is_some() && p.as_u64() == want
        }
    }
}

/// Number of network layers (`ip`, `ipv6`) in a `frame.protocols` chain.
fn network_layers(chain: Option<&Value>) -> usize {
    chain
        .and_then(Value::as_str)
        .unwrap_or("")
        .split(':')
        .filter(|p| *p == "ip" || *p == "ipv6")
        .count()
}

/// Every row and every column of `t` equals `json`, row for row. Returns the number of
/// non-null values compared.
fn assert_same(t: &Table, json: &[Map<String, Value>]) -> usize {
    assert_eq!(t.rows.len(), json.len(), "row count");
    let mut compared = 0;
    for (i, (row, j)) in t.rows.iter().zip(json).enumerate() {
        let chain = j.get("frame.protocols");
        for ((name, ty), p) in t.names.iter().zip(&t.types).zip(row) {
            if name == "date" || name == "hour" {
                continue;
            }
            let ctx = || format!("row {i} ({j:?}), column {name} ({ty}) = {p}");
            if let Some(base) = name.strip_suffix("_u32") {
                let want = j.get(base).map(|v| match v {
                    Value::Array(a) => a[0].clone(),
                    v => v.clone(),
                });
                let want: Option<u32> = want
                    .and_then(|v| v.as_str().map(str::to_string))
                    .map(|s| s.parse::<std::net::Ipv4Addr>().unwrap().into());
                assert_eq!(p.as_u64(), want.map(u64::from), "{}", ctx());
                continue;
            }
            let Some(jv) = j.get(name) else {
                assert!(p.is_null(), "{}: absent from read --json", ctx());
                continue;
            };
            assert!(!p.is_null(), "{}: null, read --json has {jv}", ctx());
            let jvals: Vec<&Value> = match jv {
                Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            if ty.ends_with("[]") {
                let pvals = p.as_array().unwrap();
                assert_eq!(pvals.len(), jvals.len(), "{}", ctx());
                for (a, b) in jvals.iter().zip(pvals) {
                    assert!(same(a, b, ty), "{}: read --json has {jv}", ctx());
                    compared += 1;
                }
            } else {
                // A plain column holds the first occurrence; a second one only comes
                // from a layer the packet carries twice (ICMP errors, tunnels).
                if jvals.len() > 1 {
                    assert!(network_layers(chain) >= 2, "{}: {jv} in one layer", ctx());
                }
                assert!(same(jvals[0], p, ty), "{}: read --json has {jv}", ctx());
                compared += 1;
            }
        }
    }
    compared
}

fn rows_of(stdout: &str) -> u64 {
    stdout.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn export_of_the_captures_equals_read_json() {
    if !have_duckdb("export_of_the_captures_equals_read_json") {
        return;
    }
    let tmp = TempDir::new("captures");
    let caps = root().join("captures");
    let inputs = [caps.clone()];
    let json = read_json(&inputs, &[]);
    assert!(json.len() > 1000);

    // The default profile: the --json fields, typed.
    let out = tmp.join("default.parquet");
    let s = ok(&[
        "export",
        caps.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(rows_of(&s), json.len() as u64, "{s}");
    let t = dump(&out, false);
    let ty = |n: &str| t.types[t.names.iter().position(|x| x == n).unwrap()].as_str();
    assert_eq!(ty("frame.time_epoch"), "TIMESTAMPTZ_NS");
    assert_eq!(ty("ip.ttl"), "UTINYINT");
    assert_eq!(ty("tcp.srcport"), "USMALLINT");
    assert_eq!(ty("tcp.seq_raw"), "UINTEGER");
    assert_eq!(ty("ip.src"), "VARCHAR");
    assert_eq!(ty("ip.src_u32"), "UINTEGER");
    assert_eq!(ty("ip.flags.df"), "BOOLEAN");
    assert_eq!(ty("dns.a"), "VARCHAR[]");
    assert!(assert_same(&t, &json) > 20_000);
    let kv = duck(&[
        "sql",
        &format!(
            "SELECT decode(key), decode(value) FROM parquet_kv_metadata('{}') ORDER BY 1",
            out.display()
        ),
    ]);
    let kv: BTreeMap<String, String> = kv
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(kv["pktforge.version"], env!("CARGO_PKG_VERSION"));
    let sources: Vec<String> = serde_json::from_str(&kv["pktforge.sources"]).unwrap();
    assert_eq!(sources.len(), 9, "{sources:?}");
    let types: Map<String, Value> = serde_json::from_str(&kv["pktforge.fields"]).unwrap();
    assert_eq!(types["ip.ttl"], "FT_UINT8");
    assert_eq!(types["ip.src"], "FT_IPv4");

    // The full profile: every field of the table.
    let full = tmp.join("full.parquet");
    ok(&[
        "export",
        caps.to_str().unwrap(),
        "--profile",
        "full",
        "--compression",
        "snappy",
        "-o",
        full.to_str().unwrap(),
    ]);
    let t = dump(&full, false);
    let names: Vec<&str> = t
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.ends_with("_u32"))
        .collect();
    assert_eq!(names.len(), pktforge::fields::all().count() + 1);
    let json_full = read_json(&inputs, &["--fields", &names.join(",")]);
    assert!(assert_same(&t, &json_full) > 40_000);
    let codecs = duck(&[
        "sql",
        &format!(
            "SELECT DISTINCT compression FROM parquet_metadata('{}')",
            full.display()
        ),
    ]);
    assert_eq!(codecs, [serde_json::json!(["SNAPPY"])]);

    // Chosen fields, a filter, small row groups.
    let some = tmp.join("some.parquet");
    let s = ok(&[
        "export",
        caps.to_str().unwrap(),
        "--fields",
        "frame.number,ip.src,udp.dstport,dns.qry.name",
        "-Y",
        "udp",
        "--row-group",
        "50",
        "--compression",
        "none",
        "-o",
        some.to_str().unwrap(),
    ]);
    let t = dump(&some, false);
    assert_eq!(
        t.names,
        [
            "frame.number",
            "ip.src",
            "ip.src_u32",
            "udp.dstport",
            "dns.qry.name"
        ]
    );
    let json_udp = read_json(
        &inputs,
        &[
            "-Y",
            "udp",
            "--fields",
            "frame.number,ip.src,udp.dstport,dns.qry.name",
        ],
    );
    assert!(!json_udp.is_empty() && json_udp.len() < json.len());
    assert_same(&t, &json_udp);
    let groups = duck(&[
        "sql",
        &format!(
            "SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('{}')",
            some.display()
        ),
    ]);
    assert!(groups[0][1].as_u64().unwrap() <= 50, "{groups:?} {s}");
    assert!(groups[0][0].as_u64().unwrap() >= json_udp.len() as u64 / 50);
}

/// Generates a workload of `n` packets in `dir`; `None` (with the reason printed) when the
/// generator or python3 is missing.
fn workload(dir: &TempDir, n: usize) -> Option<PathBuf> {
    let script = root().join("../shared/bench/gen_workload.py");
    if !script.exists() {
        println!("skipped the workload: {} is missing", script.display());
        return None;
    }
    let out = dir.join(&format!("workload-{n}.pcap"));
    let st = Command::new("python3")
        .arg(&script)
        .args(["--packets", &n.to_string(), "--out"])
        .arg(&out)
        .status();
    match st {
        Ok(s) if s.success() => Some(out),
        other => {
            println!("skipped the workload: the generator failed ({other:?})");
            None
        }
    }
}

#[test]
fn export_of_a_workload_equals_read_json_and_sql_agrees() {
    if !have_duckdb("export_of_a_workload_equals_read_json_and_sql_agrees") {
        return;
    }
    let tmp = TempDir::new("workload");
    let Some(w) = workload(&tmp, 20_000) else {
        return;
    };
    let json = read_json(std::slice::from_ref(&w), &[]);
    assert_eq!(json.len(), 20_000);
    let out = tmp.join("w.parquet");
    // Several threads and row groups: rows still in file order.
    let s = ok(&[
        "export",
        w.to_str().unwrap(),
        "-j",
        "3",
        "--row-group",
        "3000",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(rows_of(&s), 20_000);
    let t = dump(&out, false);
    assert!(assert_same(&t, &json) > 200_000);

    // GROUP BY the protocol path, against the counts of read --json.
    let o = out.display();
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for j in &json {
        *want
            .entry(j["frame.protocols"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let got: BTreeMap<String, u64> = duck(&[
        "sql",
        &format!("SELECT \"frame.protocols\", count(*) FROM '{o}' GROUP BY 1"),
    ])
    .iter()
    .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap()))
    .collect();
    assert_eq!(got, want);
    assert!(want.len() > 10);

    // Top talkers: packets per IPv4 source (the outer header's).
    let mut talkers: BTreeMap<String, u64> = BTreeMap::new();
    for j in &json {
        let src = match j.get("ip.src") {
            Some(Value::Array(a)) => a[0].as_str().unwrap().to_string(),
            Some(v) => v.as_str().unwrap().to_string(),
            None => continue,
        };
        *talkers.entry(src).or_default() += 1;
    }
    let mut top: Vec<(String, u64)> = talkers.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(10);
    let got: Vec<(String, u64)> = duck(&[
        "sql",
        &format!(
            "SELECT \"ip.src\", count(*) AS n FROM '{o}' WHERE \"ip.src\" IS NOT NULL \
             GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10"
        ),
    ])
    .iter()
    .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap()))
    .collect();
    assert_eq!(got, top);
    // The same top talkers from `pktforge stats --endpoints ip`: frames sent per address.
    let stats: Value = serde_json::from_str(&ok(&[
        "stats",
        "--endpoints",
        "ip",
        "--json",
        w.to_str().unwrap(),
    ]))
    .unwrap();
    let tx: BTreeMap<String, u64> = stats["endpoints_ip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["address"].as_str().unwrap().to_string(),
                e["tx_frames"].as_u64().unwrap(),
            )
        })
        .collect();
    for (addr, n) in &got {
        assert_eq!(
            tx.get(addr),
            Some(n),
            "stats --endpoints ip tx frames of {addr}"
        );
    }

    // Range scan on the numeric address equals the string one.
    let both = duck(&[
        "sql",
        &format!(
            "SELECT count(*) FILTER (WHERE \"ip.src_u32\" BETWEEN 3323068416 AND 3323199487), \
             count(*) FILTER (WHERE \"ip.src\" LIKE '198.18.%') FROM '{o}'"
        ),
    ]);
    assert_eq!(both[0][0], both[0][1]);
}

/// UTC date and hour of a `frame.time_epoch` text.
fn date_hour(text: &str) -> (String, u64) {
    let sec = (ns_of(text).div_euclid(1_000_000_000)) as i64;
    let (y, m, d) = pktforge::export::partition::civil_from_days(sec.div_euclid(86_400));
    (
        format!("{y:04}-{m:02}-{d:02}"),
        (sec.rem_euclid(86_400) / 3600) as u64,
    )
}

#[test]
fn partitioned_export_reads_back_with_hive_partitioning_and_prunes() {
    if !have_duckdb("partitioned_export_reads_back_with_hive_partitioning_and_prunes") {
        return;
    }
    let tmp = TempDir::new("partition");
    let caps = root().join("captures");
    let mut inputs = vec![caps.clone()];
    if let Some(w) = workload(&tmp, 2_000) {
        inputs.push(w);
    }
    let json = read_json(&inputs, &[]);
    let mut want: BTreeMap<(String, u64), u64> = BTreeMap::new();
    for j in &json {
        *want
            .entry(date_hour(&j["frame.time_epoch"].to_string()))
            .or_default() += 1;
    }
    assert!(want.len() >= 2, "{want:?}");
    let out = tmp.join("ds");
    let mut args = vec!["export".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--partition", "hour", "-o"].map(String::from));
    args.push(out.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let s = ok(&args);
    assert_eq!(rows_of(&s), json.len() as u64);
    let glob = format!("{}/**/*.parquet", out.display());

    // Each partition's file holds that hour's packets in input order, every column equal.
    let mut parts = 0;
    for (date, hour) in want.keys() {
        let f = out.join(format!("date={date}/hour={hour:02}/part-0000.parquet"));
        let t = dump(&f, false);
        let rows: Vec<Map<String, Value>> = json
            .iter()
            .filter(|j| date_hour(&j["frame.time_epoch"].to_string()) == (date.clone(), *hour))
            .cloned()
            .collect();
        assert_same(&t, &rows);
        parts += 1;
    }
    let files = duck(&["sql", &format!("SELECT count(*) FROM glob('{glob}')")]);
    assert_eq!(files, [serde_json::json!([parts])]);

    // Read as one table, with the partition columns.
    let got: BTreeMap<(String, u64), u64> = duck(&[
        "sql",
        &format!(
            "SELECT CAST(date AS VARCHAR), CAST(hour AS INTEGER), count(*) FROM read_parquet('{glob}', \
             hive_partitioning=true) GROUP BY ALL"
        ),
    ])
    .iter()
    .map(|r| {
        (
            (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap()),
            r[2].as_u64().unwrap(),
        )
    })
    .collect();
    assert_eq!(got, want);

    // Pruning: spoil every file outside one date; a query on that date never opens them.
    let (keep, _) = want.keys().next().unwrap().clone();
    let n_keep: u64 = want
        .iter()
        .filter(|((d, _), _)| *d == keep)
        .map(|(_, n)| n)
        .sum();
    let mut spoiled = 0;
    for d in std::fs::read_dir(&out).unwrap() {
        let d = d.unwrap().path();
        if d.file_name().unwrap().to_str().unwrap() == format!("date={keep}") {
            continue;
        }
        for h in std::fs::read_dir(&d).unwrap() {
            for f in std::fs::read_dir(h.unwrap().path()).unwrap() {
                std::fs::write(f.unwrap().path(), b"not parquet").unwrap();
                spoiled += 1;
            }
        }
    }
    assert!(spoiled > 0);
    let q = format!(
        "SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true) WHERE date = '{keep}'"
    );
    assert_eq!(duck(&["sql", &q]), [serde_json::json!([n_keep])]);
    let all = Command::new("python3")
        .arg("-c")
        .arg(DUCK)
        .args([
            "sql",
            &format!("SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true)"),
        ])
        .output()
        .unwrap();
    assert!(!all.status.success(), "the spoiled files were not read");
}

#[test]
fn a_directory_with_a_broken_file_exports_the_rest_and_exits_1() {
    let tmp = TempDir::new("broken");
    let dir = tmp.join("in");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let good = root().join("captures/server-ether.pcap");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(dir.join("a-good.pcap"), &bytes).unwrap();
    std::fs::write(
        dir.join("sub/broken.pcap"),
        b"this is not a capture file at all",
    )
    .unwrap();
    // Cut in the middle of a record: the packets before it are exported.
    std::fs::write(dir.join("c-cut.pcap"), &bytes[..bytes.len() - 7]).unwrap();
    std::fs::write(dir.join("notes.txt"), b"not a capture name: not read").unwrap();
    let n_good = ok(&["read", "--count", good.to_str().unwrap()])
        .trim()
        .parse::<u64>()
        .unwrap();
    let out = tmp.join("out.parquet");
    let o = pktforge(&["export", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("sub/broken.pcap"), "{err}");
    assert!(err.contains("c-cut.pcap"), "{err}");
    assert!(
        !err.contains("a-good.pcap") && !err.contains("notes.txt"),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let rows = rows_of(&stdout);
    assert_eq!(rows, 2 * n_good - 1, "{stdout}");
    if have_duckdb("the DuckDB count of the broken-file export") {
        let c = duck(&["sql", &format!("SELECT count(*) FROM '{}'", out.display())]);
        assert_eq!(c, [serde_json::json!([rows])]);
    }
}

#[test]
fn usage_errors_exit_2() {
    let tmp = TempDir::new("usage");
    let cap = root().join("captures/vlan.pcap");
    let cap = cap.to_str().unwrap();
    let o = pktforge(&[
        "export",
        cap,
        "--fields",
        "ip.srcc",
        "-o",
        "/nonexistent/x.parquet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean ip.src"));
    let o = pktforge(&[
        "export",
        cap,
        "-f",
        "tcp port",
        "-o",
        "/nonexistent/x.parquet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A partitioned export wants a new or empty directory.
    std::fs::write(tmp.join("x"), b"x").unwrap();
    let o = pktforge(&[
        "export",
        cap,
        "--partition",
        "day",
        "-o",
        tmp.0.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = pktforge(&[
        "export",
        "/nonexistent.pcap",
        "-o",
        tmp.join("y").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // An output that cannot be created is a runtime error naming it.
    let o = pktforge(&["export", cap, "-o", "/nonexistent/dir/x.parquet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/dir/x.parquet"));
}
