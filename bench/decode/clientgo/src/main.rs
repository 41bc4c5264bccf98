//! The client-go for Rust decoder of `cargo xtask bench decode`: decodes the captured
//! list of 10,000 Pods into `ObjectList<Pod>`, measured by `decode-harness`.
//!
//! `decode-clientgo --format json|protobuf [--decodes R] FILE`

use std::error::Error;
use std::process::ExitCode;

use clientgo_api::core::v1::Pod;
use clientgo_apimachinery::ObjectList;
use decode_harness::{Counting, Decode, Format};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> ExitCode {
    decode_harness::main("decode-clientgo", |format| match format {
        Format::Json => Ok(json as Decode),
        Format::Protobuf => Ok(protobuf as Decode),
    })
}

/// `application/json`, as the server sends it, with `serde_json`.
fn json(data: &[u8]) -> Result<usize, Box<dyn Error>> {
    let list: ObjectList<Pod> = serde_json::from_slice(data)?;
    Ok(list.items.len())
}

/// `application/vnd.kubernetes.protobuf` (`k8s\0` envelope, `runtime.Unknown` wrapping
/// the `PodList`), with the generated decoders.
fn protobuf(data: &[u8]) -> Result<usize, Box<dyn Error>> {
    let list = clientgo_apimachinery::protobuf::decode_list::<Pod>(data)?;
    Ok(list.items.len())
}
