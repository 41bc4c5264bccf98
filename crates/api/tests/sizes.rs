//! The inline sizes of the types caches hold most: a change to the generated
//! representation that makes cached objects heavier fails here (`--nocapture` prints
//! them). Optional structs larger than two words are boxed by the generator, as Go
//! keeps them behind pointers, strings are 16-byte `Str`s and `Option<Time>` is 16
//! bytes; see `docs/benchmarks.md` for the sizes before that and client-go's.

#![cfg(all(feature = "core", feature = "apps"))]
#![allow(clippy::unwrap_used)]

use std::mem::size_of;

use clientgo_api::apps::v1::{Deployment, DeploymentSpec};
use clientgo_api::core::v1::{
    ConfigMap, Container, EnvVar, Pod, PodSpec, PodStatus, Probe, ResourceRequirements, Volume,
    VolumeMount,
};

#[test]
fn cached_types_stay_small() {
    let sizes = [
        ("Pod", size_of::<Pod>(), 328),
        ("PodSpec", size_of::<PodSpec>(), 640),
        ("PodStatus", size_of::<PodStatus>(), 416),
        ("Container", size_of::<Container>(), 384),
        ("Volume", size_of::<Volume>(), 264),
        ("VolumeMount", size_of::<VolumeMount>(), 128),
        ("EnvVar", size_of::<EnvVar>(), 40),
        ("Probe", size_of::<Probe>(), 88),
        (
            "ResourceRequirements",
            size_of::<ResourceRequirements>(),
            72,
        ),
        ("ConfigMap", size_of::<ConfigMap>(), 368),
        ("Deployment", size_of::<Deployment>(), 704),
        ("DeploymentSpec", size_of::<DeploymentSpec>(), 384),
    ];
    let mut grown = Vec::new();
    for (name, size, bound) in sizes {
        println!("| {name} | {size} B |");
        if size > bound {
            grown.push(format!("{name}: {size} B > {bound} B"));
        }
    }
    assert!(grown.is_empty(), "cached types grew: {grown:?}");
}

#[test]
fn decoded_lists_keep_no_spare_capacity() {
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": { "name": "web", "finalizers": ["a"] },
        "spec": {
            "containers": [{ "name": "app", "env": [{ "name": "A", "value": "1" }] }],
            "volumes": [{ "name": "data", "emptyDir": {} }],
        },
    }))
    .unwrap();
    let spec = pod.spec.as_deref().unwrap();
    assert_eq!(spec.containers.capacity(), 1);
    assert_eq!(spec.containers[0].env.as_ref().unwrap().capacity(), 1);
    assert_eq!(spec.volumes.as_ref().unwrap().capacity(), 1);
    assert_eq!(pod.metadata.finalizers.capacity(), 1);
}
