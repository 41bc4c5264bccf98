//! A real local Kubernetes control plane for tests: etcd and kube-apiserver of a real
//! release, started from Rust and stopped when the handle goes away.
//!
//! This is what controller-runtime's `envtest` is to Go: no containers, no kubelet, just
//! the API server and its storage, so tests of clients and controllers talk to genuine
//! Kubernetes API semantics (validation, defaulting, RBAC, watch, resource versions,
//! server-side apply).
//!
//! ```no_run
//! # async fn run() -> Result<(), clientgo_envtest::Error> {
//! use clientgo_envtest::ControlPlane;
//!
//! let plane = ControlPlane::start().await?;
//! println!("API server {} runs Kubernetes {}", plane.server_url(), plane.version());
//! println!("export KUBECONFIG={}", plane.kubeconfig_path().display());
//! let bob = plane.add_user("bob", ["developers"])?;
//! # let _ = bob;
//! // Dropping `plane` stops both processes and removes their folder.
//! # Ok(()) }
//! ```
//!
//! Integration tests that just need *a* cluster call [`test_cluster`]: it uses the
//! control plane of `cargo xtask test` (`CLIENTGO_TEST_KUBECONFIG`) or starts one.
//!
//! # Binaries
//!
//! The binaries come from `KUBEBUILDER_ASSETS` if set, else from a per-version cache
//! (`~/.cache/clientgo-envtest/<version>/`), else they are compiled from the Go module
//! proxy with the local Go toolchain (Go 1.26 or newer; several minutes, once). See
//! [`assets`].
//!
//! # What runs, what does not
//!
//! By default etcd (single member, fsync off, data in a temporary folder) and
//! kube-apiserver with RBAC authorization, client-certificate and token authentication.
//! No controller-manager, scheduler or kubelet: namespaces stay `Terminating` after
//! deletion, dependents are not garbage collected, ServiceAccounts get no tokens
//! automatically, and pods are never scheduled.
//!
//! Cluster mode ([`ControlPlane::cluster`], or [`ControlPlaneBuilder::nodes`] and
//! [`ControlPlaneBuilder::controllers`] separately) adds kube-controller-manager and
//! kube-scheduler of the same release and simulated nodes run by
//! [KWOK](https://kwok.sigs.k8s.io): Deployments get ReplicaSets and Running Pods,
//! namespaces finish deleting, and the API server's `pods/log`, `exec`, `attach` and
//! `portforward` reach KWOK's kubelet endpoint, configured by tests through KWOK's
//! resources (see [`kwok`]).
//!
//! # Cleanup
//!
//! Components run in their own process groups. Dropping a [`ControlPlane`] (also during
//! a panic's unwinding) stops them and removes the folder. If the owning process is
//! killed, Linux's parent-death signal kills them; the folder is removed by the next
//! control plane started on the machine.

pub mod assets;
pub mod cli;

pub mod kwok;

mod api;
mod apiserver;
mod args;
mod certs;
mod cluster;
mod control_plane;
mod detached;
mod error;
mod etcd;
mod kubeconfig;
mod ports;
mod probe;
mod process;
mod stale;
mod tcp_proxy;
mod test_cluster;
mod upgrade_proxy;
mod user;
mod version;

pub use assets::{Binaries, ControllerBinaries, build_go_program};
pub use certs::CertifiedKey;
pub use clientgo_transport::Secret;
pub use control_plane::{ControlPlane, ControlPlaneBuilder};
pub use detached::DetachedControlPlane;
pub use error::{Error, Result};
pub use kubeconfig::CLUSTER_NAME;
pub use tcp_proxy::TcpProxy;
pub use test_cluster::{TEST_KUBECONFIG_ENV, TestCluster, test_cluster};
pub use upgrade_proxy::UpgradeRefusingProxy;
pub use user::{ADMIN_USER, Credentials, UNPRIVILEGED_USER, User};
pub use version::{KubeVersion, default_version, pinned_versions};
