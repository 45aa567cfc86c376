//! `pktforge export FILE... -o OUT`: capture files to Parquet, one row per packet, one typed
//! column per Wireshark field (see [`crate::export`]).

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{CliError, CliResult};
use crate::export::{self, Compression, Fields, Options, Partition};
use crate::filter::Filter;

/// Options of `pktforge export`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge export captures/ -o captures.parquet\n  \
    duckdb -c 'SELECT \"ip.src\", count(*) FROM \"captures.parquet\" GROUP BY 1 ORDER BY 2 DESC'\n  \
    pktforge export /data/pcaps --partition hour -o dataset/\n  \
    pktforge export day.pcap --fields frame.time_epoch,ip.src,ip.dst,tcp.dstport -f tcp -o syn.parquet\n  \
    pktforge export big.pcapng --profile full --compression snappy --row-group 100000 -o big.parquet")]
pub struct Args {
    /// Capture files (pcap or pcapng, gzip too) and directories, read recursively for
    /// *.pcap, *.pcapng, *.cap and their .gz.
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<PathBuf>,
    /// The Parquet file to write; with --partition, the directory (new or empty) of the
    /// Hive-style dataset (OUT/date=2026-11-21/hour=14/part-0000.parquet).
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    pub output: PathBuf,
    /// Columns, comma-separated Wireshark field names (`pktforge fields` lists them;
    /// frame.protocols is the protocol chain).
    #[arg(
        long,
        value_name = "A,B,C",
        value_delimiter = ',',
        conflicts_with = "profile"
    )]
    pub fields: Vec<String>,
    /// default: the fields `pktforge read --json` writes; full: every field of the table.
    #[arg(long, value_enum, default_value_t = Profile::Default)]
    pub profile: Profile,
    /// Export only the packets that match EXPR (tcpdump or Wireshark syntax, as `read -f`).
    #[arg(short = 'f', long = "filter", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The same language as -f, as tshark's -Y; with -f, both must match.
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Split the output into a directory per UTC day or hour of the packets' times.
    #[arg(long, value_enum, default_value_t = PartitionArg::None)]
    pub partition: PartitionArg,
    /// At most N rows per row group.
    #[arg(long = "row-group", value_name = "N", default_value_t = export::DEFAULT_ROW_GROUP,
          value_parser = row_group_parser)]
    pub row_group: usize,
    /// How column chunks are compressed.
    #[arg(long, value_enum, default_value_t = CompressionArg::Zstd)]
    pub compression: CompressionArg,
    /// Worker threads (default: one per core, at most 4; each holds a row group in memory).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
}

/// `--row-group N`: a positive number of rows.
fn row_group_parser(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{s:?} is not a positive number of rows")),
    }
}

/// `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// The fields `pktforge read --json` writes.
    Default,
    /// Every field of the table.
    Full,
}

/// `--partition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PartitionArg {
    /// One file.
    None,
    /// OUT/date=YYYY-MM-DD/part-NNNN.parquet.
    Day,
    /// OUT/date=YYYY-MM-DD/hour=HH/part-NNNN.parquet.
    Hour,
}

/// `--compression`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompressionArg {
    /// Zstandard.
    Zstd,
    /// Snappy.
    Snappy,
    /// None.
    None,
}

/// The conjunction of -f and -Y, compiled (a usage error with a caret).
fn compile_filter(a: &Args) -> Result<Option<Filter>, CliError> {
    let parts: Vec<&String> = a.filter.iter().chain(a.display_filter.iter()).collect();
    for p in &parts {
        Filter::new(p).map_err(|e| CliError::Usage(e.render(p)))?;
    }
    let text = match parts.as_slice() {
        [] => return Ok(None),
        [one] => (*one).clone(),
        many => many
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" and "),
    };
    Filter::new(&text)
        .map(Some)
        .map_err(|e| CliError::Usage(e.render(&text)))
}

/// Runs `pktforge export`: writes the dataset, then one line saying what was written (on
/// stdout); names every file that could not be read (on stderr) and then exits 1.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let fields = if !a.fields.is_empty() {
        Fields::Named(a.fields.iter().filter(|f| !f.is_empty()).cloned().collect())
    } else if a.profile == Profile::Full {
        Fields::Full
    } else {
        Fields::Default
    };
    // Unknown names are a usage error before anything is read.
    export::schema::columns(&fields).map_err(|e| CliError::Usage(format!("error: {e}")))?;
    let opts = Options {
        fields,
        filter: compile_filter(a)?,
        partition: match a.partition {
            PartitionArg::None => Partition::None,
            PartitionArg::Day => Partition::Day,
            PartitionArg::Hour => Partition::Hour,
        },
        row_group: a.row_group,
        compression: match a.compression {
            CompressionArg::Zstd => Compression::Zstd,
            CompressionArg::Snappy => Compression::Snappy,
            CompressionArg::None => Compression::None,
        },
        threads: a.threads.map_or_else(export::default_threads, usize::from),
    };
    let inputs = export::list_inputs(&a.inputs).map_err(|e| {
        CliError::Usage(format!(
            "error: {e}\n(name capture files or directories that exist)"
        ))
    })?;
    if inputs.is_empty() {
        return Err(CliError::Usage(format!(
            "error: no capture file (*.pcap, *.pcapng, *.cap, *.gz) in {}",
            a.inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let s = export::export(&inputs, &a.output, &opts).map_err(|e| match e {
        export::ExportError::OutputExists(_) => CliError::Usage(format!("error: {e}")),
        e => CliError::Runtime(format!("error: {e}")),
    })?;
    let files = if s.outputs.len() == 1 {
        String::new()
    } else {
        format!(" in {} files", s.outputs.len())
    };
    writeln!(
        out,
        "{} rows ({} packets read from {} of {} files), {} row group{}{files} -> {}",
        s.rows,
        s.packets,
        s.files,
        inputs.len(),
        s.row_groups,
        if s.row_groups == 1 { "" } else { "s" },
        a.output.display()
    )?;
    if s.nulled > 0 {
        out.flush()?;
        eprintln!(
            "warning: {} values did not fit their column (times beyond 2262) and were written as null",
            s.nulled
        );
    }
    if s.failures.is_empty() {
        return Ok(());
    }
    let mut msg = String::new();
    for f in &s.failures {
        msg.push_str(&format!("error: {}: {}\n", f.path.display(), f.message));
    }
    msg.push_str(&format!(
        "{} of {} files could not be exported entirely; the rest are in {}",
        s.failures.len(),
        inputs.len(),
        a.output.display()
    ));
    Err(CliError::Runtime(msg))
}
