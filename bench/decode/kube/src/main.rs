//! The kube-rs decoder of `cargo xtask bench decode`: decodes the captured list of
//! 10,000 Pods into k8s-openapi's `List<Pod>` with `serde_json`, as kube's client does,
//! measured by `decode-harness`. JSON only: k8s-openapi has no protobuf codec.
//!
//! `decode-kube --format json [--decodes R] FILE`

use std::error::Error;
use std::process::ExitCode;

use decode_harness::{Counting, Decode, Format};
use k8s_openapi::api::core::v1::Pod;

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> ExitCode {
    decode_harness::main("decode-kube", |format| match format {
        Format::Json => Ok(json as Decode),
        Format::Protobuf => Err("k8s-openapi has no protobuf decoding".into()),
    })
}

/// `application/json`, as the server sends it, with `serde_json`.
fn json(data: &[u8]) -> Result<usize, Box<dyn Error>> {
    let list: k8s_openapi::List<Pod> = serde_json::from_slice(data)?;
    Ok(list.items.len())
}
