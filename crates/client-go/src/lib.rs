//! client-go for Rust in one dependency: every `clientgo-*` crate under the package path
//! client-go gives it, so that what a Go developer knows is where they look.
//!
//! | Go import path | here | feature |
//! | --- | --- | --- |
//! | `k8s.io/client-go/rest` (and `util/retry`, `util/flowcontrol`) | `client_go::rest`, `client_go::util::retry`, `client_go::util::flowcontrol` | `rest` |
//! | `k8s.io/client-go/transport` | `client_go::transport` | `transport` |
//! | `k8s.io/client-go/kubernetes` | `client_go::kubernetes` | `kubernetes` + API groups |
//! | `k8s.io/client-go/discovery`, `restmapper` | `client_go::discovery`, `client_go::restmapper` | `discovery` |
//! | `k8s.io/client-go/dynamic` | `client_go::dynamic` | `dynamic` |
//! | `k8s.io/client-go/metadata` | `client_go::metadata` | `metadata` |
//! | `k8s.io/client-go/scale` | `client_go::scale` | `scale` |
//! | `k8s.io/client-go/listers` | `client_go::listers` | `listers` + API groups |
//! | `k8s.io/client-go/informers` (and `dynamic/dynamicinformer`, `metadata/metadatainformer`) | `client_go::informers` | `informers` + API groups |
//! | `k8s.io/client-go/tools/cache` | `client_go::tools::cache` | `cache` |
//! | `k8s.io/client-go/tools/clientcmd` | `client_go::tools::clientcmd` | `clientcmd` |
//! | `k8s.io/client-go/tools/leaderelection` | `client_go::tools::leaderelection` | `leaderelection` |
//! | `k8s.io/client-go/tools/record`, `tools/events` | `client_go::tools::record` | `record` |
//! | `k8s.io/client-go/tools/remotecommand` | `client_go::tools::remotecommand` | `remotecommand` |
//! | `k8s.io/client-go/tools/portforward` | `client_go::tools::portforward` | `portforward` |
//! | `k8s.io/client-go/util/workqueue` | `client_go::util::workqueue` | `workqueue` |
//! | `k8s.io/client-go/testing`, `kubernetes/fake` | `client_go::testing` | `testing` |
//! | `k8s.io/api/...` and `client-go/applyconfigurations/...` | `client_go::api` (apply configurations next to each type) | API groups |
//! | `k8s.io/apimachinery/...` | `client_go::apimachinery` | always |
//! | controller-runtime's `envtest` | `client_go::envtest` | `envtest` |
//! | controller-runtime's builder, in small | `client_go::controller` | `controller` |
//! | kubebuilder's CRD markers | `client_go::CustomResource`, `client_go::StructuralSchema` (attribute `crate = "client_go::api"`) | `derive` |
//!
//! The default features are `rest`, `clientcmd` and `kubernetes`; `full` turns on every
//! package. API groups are features of their own, named as the group (`core`, `apps`,
//! `batch`, ..., `all` for every group), and reach each package that is on.
//!
//! ```toml
//! [dependencies]
//! client-go = { git = "https://github.com/clientgo-rs/client-go", tag = "v0.1.0", features = ["informers", "core", "apps"] }
//! ```
//!
//! ```no_run
//! # #[cfg(all(feature = "core", feature = "clientcmd", feature = "kubernetes"))]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use client_go::apimachinery::meta::ListOptions;
//! use client_go::kubernetes::Clientset;
//! use client_go::tools::clientcmd;
//!
//! let config = clientcmd::default_rest_config()?;
//! let clientset = Clientset::new(&config)?;
//! let pods = clientset.core_v1().pods("default").list(&ListOptions::default()).await?;
//! println!("{} pods", pods.items.len());
//! # Ok(()) }
//! ```

pub use clientgo_api as api;
#[cfg(feature = "derive")]
pub use clientgo_api::{CustomResource, StructuralSchema};
pub use clientgo_apimachinery as apimachinery;

#[cfg(feature = "controller")]
pub use clientgo_controller as controller;
#[cfg(feature = "discovery")]
pub use clientgo_discovery as discovery;
#[cfg(feature = "discovery")]
pub use clientgo_discovery::restmapper;
#[cfg(feature = "dynamic")]
pub use clientgo_dynamic as dynamic;
#[cfg(feature = "envtest")]
pub use clientgo_envtest as envtest;
#[cfg(feature = "informers")]
pub use clientgo_informers as informers;
#[cfg(feature = "kubernetes")]
pub use clientgo_kubernetes as kubernetes;
#[cfg(feature = "listers")]
pub use clientgo_listers as listers;
#[cfg(feature = "metadata")]
pub use clientgo_metadata as metadata;
#[cfg(feature = "rest")]
pub use clientgo_rest as rest;
#[cfg(feature = "scale")]
pub use clientgo_scale as scale;
#[cfg(feature = "testing")]
pub use clientgo_testing as testing;
#[cfg(feature = "transport")]
pub use clientgo_transport as transport;

/// client-go's `tools/...` packages.
pub mod tools {
    #[cfg(feature = "cache")]
    pub use clientgo_cache as cache;
    #[cfg(feature = "clientcmd")]
    pub use clientgo_clientcmd as clientcmd;
    #[cfg(feature = "leaderelection")]
    pub use clientgo_leaderelection as leaderelection;
    #[cfg(feature = "portforward")]
    pub use clientgo_portforward as portforward;
    #[cfg(feature = "record")]
    pub use clientgo_record as record;
    #[cfg(feature = "remotecommand")]
    pub use clientgo_remotecommand as remotecommand;
}

/// client-go's `util/...` packages.
pub mod util {
    #[cfg(feature = "workqueue")]
    pub use clientgo_workqueue as workqueue;

    /// `util/retry`: run a read-modify-write again on conflicts.
    #[cfg(feature = "rest")]
    pub mod retry {
        pub use clientgo_rest::retry::*;
    }

    /// `util/flowcontrol`: client-side rate limiters.
    #[cfg(feature = "rest")]
    pub mod flowcontrol {
        pub use clientgo_rest::{RateLimiter, TokenBucket};
    }
}
