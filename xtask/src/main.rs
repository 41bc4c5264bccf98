//! Project automation, run as `cargo xtask <command>`.
//!
//! ```text
//! cargo xtask test [--k8s-version X.Y.Z] [-- <cargo test args>]
//!     build the binaries if needed, start one control plane, run every test of the
//!     workspace against it (CLIENTGO_TEST_KUBECONFIG), stop it
//! cargo xtask test --kubeconfig PATH [-- <cargo test args>]
//!     run the tests against an existing cluster (no control plane started), leaving
//!     out and counting those that need envtest (names with `envtest_only`)
//! cargo xtask matrix [--only 1.34,1.37] [--output FILE]
//!     the tests that only need an API server against every supported minor, one
//!     control plane at a time; writes docs/compatibility.md (API compared by discovery)
//! cargo xtask demo [--k8s-version X.Y.Z]
//!     start a cluster (control plane, 2 simulated nodes, controllers) and run every
//!     example against it, one after another
//! cargo xtask codegen [--spec FILE | --from-cluster KUBECONFIG] [--check] [--protobuf-from-go [DIR]]
//!     generate clientgo-api and the clientset accessors from the OpenAPI document
//!     (xtask/openapi/ by default); --check fails when the generated files are stale
//! cargo xtask bench build
//!     clean release build time and binary size of bench/list-pods (ours and kube's)
//! cargo xtask bench informer
//!     memory per cached object and update events per second, ours and kube-rs's
//! cargo xtask bench workqueue [--quick]
//!     CPU time and allocations per work queue operation, ours and client-go's
//! cargo xtask bench decode [--quick] [--reuse]
//!     CPU time and allocations to decode a list of 10,000 Pods captured from an API
//!     server (JSON and protobuf), ours, client-go's and kube-rs's
//! cargo xtask bench requests [--quick]
//!     CPU time and allocations per typed GET and LIST against one API server (JSON and
//!     protobuf), ours, client-go's and kube-rs's
//! cargo xtask envtest install|up|down|run|versions [...] [--nodes N] [--controllers]
//!     the clientgo-envtest command (see crates/envtest/src/cli.rs)
//! cargo xtask envtest wrapper --k8s-version X.Y.Z
//!     (re)generate the wrapper Go module shipped for that release's minor
//! cargo xtask release X.Y.Z [--dry-run] [--skip-tests]
//!     check (clean tree, tests, semver) and make release X.Y.Z: version, changelog,
//!     commit, tags vX.Y.Z and kubernetes-<release>; prints the push commands
//! cargo xtask semver [--baseline-rev REV] [-p CRATE]...
//!     cargo-semver-checks of the published crates against the previous release tag
//! ```

mod bench;
mod bench_decode;
mod bench_informer;
mod bench_requests;
mod bench_streaming;
mod codegen;
mod demo;
mod git;
mod in_cluster;
mod matrix;
mod release;
mod semver;
mod test;
mod workspace;
mod wrapper;

use std::process::ExitCode;

use clientgo_envtest::cli;

const USAGE: &str = "usage: cargo xtask <test|matrix|demo|envtest|codegen|bench|release|semver> [...]
  matrix [--only 1.34,1.37] [--output FILE]
  bench build|informer|workqueue|decode|requests [--quick]
  codegen [--spec FILE | --from-cluster KUBECONFIG] [--check] [--protobuf-from-go [DIR]]
  test [--k8s-version X.Y.Z | --kubeconfig PATH] [-- <cargo test args>]
  demo [--k8s-version X.Y.Z]
  envtest install|up|down|run|versions [--k8s-version X.Y.Z] [--kubeconfig PATH] [--nodes N] [--controllers]
  envtest wrapper --k8s-version X.Y.Z
  release X.Y.Z [--dry-run] [--skip-tests]
  semver [--baseline-rev REV] [-p CRATE]...";

/// The outcome of a command: an exit code, or an error to print.
type Outcome = Result<ExitCode, String>;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let outcome = match command.as_str() {
        "test" => test::run(rest).await,
        "matrix" => matrix::run(rest).await,
        "demo" => demo::run(rest).await,
        "codegen" => codegen::run(rest).await,
        "bench" if rest.first().map(String::as_str) == Some("informer") => {
            bench_informer::run().await
        }
        "bench" if rest.first().map(String::as_str) == Some("streaming") => {
            bench_streaming::run(&rest[1..]).await
        }
        "bench" => bench::run(&rest),
        "release" => release::run(&rest),
        "semver" => semver::run(&rest),
        "envtest" if rest.first().map(String::as_str) == Some("wrapper") => {
            wrapper::run(&rest[1..])
        }
        "envtest" => match cli::parse(rest) {
            Ok(command) => cli::execute(command)
                .await
                .map(|()| ExitCode::SUCCESS)
                .map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Splits `--k8s-version X` off `args`, returning the version and what is left.
fn take_version(args: Vec<String>) -> Result<(clientgo_envtest::KubeVersion, Vec<String>), String> {
    let (version, rest) = take_option(args, "--k8s-version")?;
    let version = match version {
        Some(text) => text
            .parse()
            .map_err(|e: clientgo_envtest::Error| e.to_string())?,
        None => clientgo_envtest::default_version(),
    };
    Ok((version, rest))
}

/// Splits `NAME VALUE` or `NAME=VALUE` off `args` (before any `--`), returning the value
/// and what is left.
fn take_option(args: Vec<String>, name: &str) -> Result<(Option<String>, Vec<String>), String> {
    let mut value = None;
    let mut rest = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            rest.push(arg);
            rest.extend(args.by_ref());
            break;
        }
        if let Some(given) = arg.strip_prefix(name).and_then(|a| a.strip_prefix('=')) {
            value = Some(given.to_string());
        } else if arg == name {
            value = Some(args.next().ok_or(format!("{name} needs a value"))?);
        } else {
            rest.push(arg);
        }
    }
    Ok((value, rest))
}
