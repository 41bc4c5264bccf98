//! Running etcd for a control plane: a single member on loopback ports, data in the
//! control plane's folder, fsync off (test data need not survive a power cut).

use std::path::Path;

use crate::args::Flags;
use crate::error::Result;
use crate::probe;
use crate::process::{Launch, ManagedProcess};

/// A running etcd.
#[derive(Debug)]
pub(crate) struct Etcd {
    pub(crate) process: ManagedProcess,
    pub(crate) client_url: String,
}

/// The flags etcd runs with before user overrides.
pub(crate) fn default_flags(data_dir: &Path, client_port: u16, peer_port: u16) -> Flags {
    let client_url = format!("http://127.0.0.1:{client_port}");
    let peer_url = format!("http://127.0.0.1:{peer_port}");
    let mut flags = Flags::default();
    flags.set("name", "envtest");
    flags.set("data-dir", data_dir.display().to_string());
    flags.set("listen-client-urls", client_url.clone());
    flags.set("advertise-client-urls", client_url);
    flags.set("listen-peer-urls", peer_url.clone());
    flags.set("initial-advertise-peer-urls", peer_url.clone());
    flags.set("initial-cluster", format!("envtest={peer_url}"));
    flags.set("unsafe-no-fsync", "true");
    flags.set("log-level", "warn");
    flags
}

/// Starts etcd and waits until it reports itself healthy.
pub(crate) async fn start(launch: &Launch<'_>, client_port: u16) -> Result<Etcd> {
    let mut process = launch.spawn("etcd")?;
    let client_url = format!("http://127.0.0.1:{client_port}");
    let client = probe::http_client()?;
    probe::wait_ready(
        "etcd",
        &mut process,
        &client,
        &format!("{client_url}/health"),
        |body| body.contains("\"health\":\"true\""),
        launch.timeout,
    )
    .await?;
    Ok(Etcd {
        process,
        client_url,
    })
}
