//! The measurement shared by the Rust decoders of `cargo xtask bench decode`, so that
//! `bench/decode/clientgo` and `bench/decode/kube` measure exactly alike (and like
//! `bench/decode/go`):
//!
//! ```text
//! decode-<name> --format json|protobuf [--decodes R] FILE
//! format=<format> bytes=<input bytes> items=<n> decodes=<R> cpu_ns_per_decode=<ns> allocs_per_decode=<n>
//! ```
//!
//! The file is read into memory once and decoded once as a warm-up; then the program
//! decodes it `R` times (default 7); each decode drops its result before returning.
//! CPU time is the process's `getrusage` user+sys delta around the loop, allocations
//! the delta of [`Counting`]'s count (reallocations included); both divided by `R`.
//! Every decode must yield [`ITEMS`] items.

use std::error::Error;
use std::process::ExitCode;

pub use alloc_counter::Counting;

/// Items each decode must yield: the Pods `cargo xtask bench decode` seeds.
pub const ITEMS: usize = 10_000;

/// Decodes done in the measured loop unless `--decodes` says otherwise.
const DEFAULT_DECODES: usize = 7;


/// The wire format to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `application/vnd.kubernetes.protobuf` (the `k8s\0` envelope).
    Protobuf,
}

/// A decoder: the whole list in, its item count out.
pub type Decode = fn(&[u8]) -> Result<usize, Box<dyn Error>>;

/// Runs the program `name`: parses the arguments, asks `pick` for the decoder of the
/// format asked for (an error when it has none), measures it and prints the result line.
pub fn main(name: &str, pick: impl FnOnce(Format) -> Result<Decode, String>) -> ExitCode {
    match run(name, pick) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{name}: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    name: &str,
    pick: impl FnOnce(Format) -> Result<Decode, String>,
) -> Result<(), Box<dyn Error>> {
    let usage = format!("usage: {name} --format json|protobuf [--decodes R] FILE");
    let mut args = std::env::args().skip(1);
    let (mut format, mut decodes, mut file) = (None, DEFAULT_DECODES, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => {
                format = match args.next().as_deref() {
                    Some("json") => Some(Format::Json),
                    Some("protobuf") => Some(Format::Protobuf),
                    _ => return Err(usage.into()),
                }
            }
            "--decodes" => decodes = args.next().ok_or(usage.as_str())?.parse()?,
            _ if file.is_none() && !arg.starts_with('-') => file = Some(arg),
            _ => return Err(usage.into()),
        }
    }
    let (Some(format), Some(file)) = (format, file) else {
        return Err(usage.into());
    };
    if decodes == 0 {
        return Err("--decodes must be at least 1".into());
    }
    let decode = pick(format)?;
    let data = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    check(decode(&data)?)?;
    let (cpu, allocs) = (alloc_counter::cpu_ns(), alloc_counter::allocations());
    let mut items = 0;
    for _ in 0..decodes {
        items = decode(&data)?;
        check(items)?;
    }
    let cpu = alloc_counter::cpu_ns() - cpu;
    let allocs = alloc_counter::allocations() - allocs;
    println!(
        "format={} bytes={} items={items} decodes={decodes} cpu_ns_per_decode={:.0} allocs_per_decode={:.1}",
        match format {
            Format::Json => "json",
            Format::Protobuf => "protobuf",
        },
        data.len(),
        cpu as f64 / decodes as f64,
        allocs as f64 / decodes as f64,
    );
    Ok(())
}

fn check(items: usize) -> Result<(), String> {
    (items == ITEMS)
        .then_some(())
        .ok_or_else(|| format!("decoded {items} items, expected {ITEMS}"))
}
