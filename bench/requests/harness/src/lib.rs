//! The measurement shared by the Rust programs of `cargo xtask bench requests`, so that
//! `bench/requests/clientgo` and `bench/requests/kube` measure exactly alike (and like
//! `bench/requests/go`):
//!
//! ```text
//! requests-<name> json|protobuf [N]        (KUBECONFIG names the cluster)
//! shape=get requests=<N> cpu_ns=<total> allocs=<total>
//! shape=list requests=<N> cpu_ns=<total> allocs=<total>
//! ```
//!
//! Both programs run on the same runtime, made by [`main`]: a multi-threaded tokio
//! runtime with one worker per core (what `#[tokio::main]` builds). Each builds its
//! client once, then for each [`Shape`] sends [`WARMUP`] requests, then `N` more
//! (default 2,000) one after another, each awaited before the next. CPU time is the process's `getrusage` user+sys delta around those `N` (every
//! thread), allocations the delta of [`Counting`]'s count (reallocations included).
//! Every answer must hold what the driver seeded ([`Shape::items`]).

use std::error::Error;
use std::process::ExitCode;

pub use alloc_counter::Counting;

/// The media type asked of the server: `Json` is `application/json`, `Protobuf`
/// `application/vnd.kubernetes.protobuf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Protobuf,
}

/// A request shape, each against what `cargo xtask bench requests` seeds in namespace
/// `bench`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// GET of ConfigMap `target`.
    Get,
    /// LIST of the ConfigMaps labelled `bench=small`.
    List,
}

impl Shape {
    /// The name in the result line.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Get => "get",
            Shape::List => "list",
        }
    }

    /// What each answer must hold: the data keys of `target`, or the ConfigMaps listed.
    pub fn items(self) -> usize {
        match self {
            Shape::Get => 2,
            Shape::List => 10,
        }
    }
}

/// Requests sent before each measured loop.
pub const WARMUP: usize = 200;

/// Requests in each measured loop unless the command line says otherwise.
const DEFAULT_REQUESTS: usize = 2_000;

/// The boxed error of the programs.
pub type BoxError = Box<dyn Error>;

/// Runs the program `name`: parses the arguments and, on a multi-threaded tokio
/// runtime, hands the encoding and the request count to `run` (which builds its client
/// and calls [`measure`] for each shape); prints any error.
pub fn main(
    name: &str,
    run: impl AsyncFnOnce(Encoding, usize) -> Result<(), BoxError>,
) -> ExitCode {
    let usage = format!("usage: {name} json|protobuf [N]");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (encoding, requests) = match args.as_slice() {
        [encoding, rest @ ..] if rest.len() <= 1 => {
            let encoding = match encoding.as_str() {
                "json" => Encoding::Json,
                "protobuf" => Encoding::Protobuf,
                _ => return fail(name, usage.into()),
            };
            match rest.first().map_or(Ok(DEFAULT_REQUESTS), |n| n.parse()) {
                Ok(requests) if requests > 0 => (encoding, requests),
                _ => return fail(name, usage.into()),
            }
        }
        _ => return fail(name, usage.into()),
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BoxError::from)
        .and_then(|runtime| runtime.block_on(run(encoding, requests)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(name, error),
    }
}

fn fail(name: &str, error: BoxError) -> ExitCode {
    eprintln!("{name}: {error}");
    ExitCode::FAILURE
}

/// Sends [`WARMUP`] requests of `shape`, then measures `requests` more and prints the
/// result line. `request` sends one and returns what [`Shape::items`] counts.
pub async fn measure(
    shape: Shape,
    requests: usize,
    mut request: impl AsyncFnMut() -> Result<usize, BoxError>,
) -> Result<(), BoxError> {
    let mut send = async || -> Result<(), BoxError> {
        let items = request().await?;
        if items == shape.items() {
            Ok(())
        } else {
            let expected = shape.items();
            Err(format!("{}: {items} items, expected {expected}", shape.name()).into())
        }
    };
    for _ in 0..WARMUP {
        send().await?;
    }
    let (cpu, allocs) = (alloc_counter::cpu_ns(), alloc_counter::allocations());
    for _ in 0..requests {
        send().await?;
    }
    let cpu = alloc_counter::cpu_ns() - cpu;
    let allocs = alloc_counter::allocations() - allocs;
    println!(
        "shape={} requests={requests} cpu_ns={cpu} allocs={allocs}",
        shape.name()
    );
    Ok(())
}
