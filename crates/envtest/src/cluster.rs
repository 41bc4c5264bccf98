//! Cluster mode: what runs beside etcd and kube-apiserver when a control plane has
//! simulated nodes ([`kwok`](crate::kwok)) or controllers (kube-controller-manager and
//! kube-scheduler).
//!
//! Rules this module follows:
//! - Every component authenticates with a client certificate of its own from the
//!   control plane's client CA and gets a kubeconfig of its own in the control plane's
//!   folder: `system:kube-controller-manager` and `system:kube-scheduler` (the users the
//!   bootstrap RBAC policy grants their roles), `kwok-controller` (`system:masters`).
//! - Everything listens on free loopback ports only and serves TLS with a certificate
//!   for `localhost` and `127.0.0.1` from the control plane's server CA, so readiness is
//!   probed, and kube-apiserver reaches KWOK's kubelet endpoint, with verification.
//! - kube-apiserver connects to kubelets by node InternalIP (127.0.0.1, which KWOK
//!   reports) with client certificate `kube-apiserver-kubelet-client`
//!   (`system:masters`).
//! - Leader election is off; kube-controller-manager runs every controller that is on
//!   by default, each with its own service-account credentials (signed with the API
//!   server's service-account key).
//! - Start-up returns once every component answers `/healthz` and every node is Ready.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api;
use crate::apiserver::PkiFiles;
use crate::args::Flags;
use crate::assets::ControllerBinaries;
use crate::certs::Authority;
use crate::error::{Error, Result};
use crate::kubeconfig;
use crate::kwok;
use crate::ports::free_port;
use crate::probe;
use crate::process::{Launch, Lifetime, ManagedProcess};
use crate::user::{Credentials, User};

const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The user kube-controller-manager runs as.
const CONTROLLER_MANAGER_USER: &str = "system:kube-controller-manager";
/// The user kube-scheduler runs as.
const SCHEDULER_USER: &str = "system:kube-scheduler";
/// The user KWOK runs as.
const KWOK_USER: &str = "kwok-controller";
/// The user kube-apiserver presents to kubelets.
const KUBELET_CLIENT_USER: &str = "kube-apiserver-kubelet-client";

/// What a control plane runs besides etcd and kube-apiserver.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClusterOptions {
    /// How many simulated nodes (0: no KWOK).
    pub(crate) nodes: usize,
    /// Whether kube-controller-manager and kube-scheduler run.
    pub(crate) controllers: bool,
    pub(crate) kwok_flags: Flags,
    pub(crate) controller_manager_flags: Flags,
    pub(crate) scheduler_flags: Flags,
}

impl ClusterOptions {
    /// Whether anything beyond etcd and kube-apiserver runs.
    pub(crate) fn enabled(&self) -> bool {
        self.nodes > 0 || self.controllers
    }
}

/// The binaries cluster mode runs.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClusterBinaries {
    pub(crate) kwok: Option<PathBuf>,
    pub(crate) controllers: Option<ControllerBinaries>,
}

/// Certificates of cluster mode, written into the `pki` folder.
pub(crate) struct ClusterPki {
    users: Vec<(&'static str, User)>,
}

impl ClusterPki {
    /// Issues the components' certificates and writes the files that do not depend on
    /// the API server's port (nothing for a plain control plane).
    pub(crate) fn issue(
        options: &ClusterOptions,
        server_ca: &Authority,
        client_ca: &Authority,
        pki: &Path,
    ) -> Result<Self> {
        if !options.enabled() {
            return Ok(Self { users: Vec::new() });
        }
        let serving = server_ca.issue_serving("envtest-components", &["localhost", "127.0.0.1"])?;
        write(&pki.join("components.crt"), &serving.certificate_pem)?;
        write(
            &pki.join("components.key"),
            serving.private_key_pem.expose(),
        )?;
        let kubelet_client =
            client_ca.issue_client(KUBELET_CLIENT_USER, &["system:masters".to_string()])?;
        write(
            &pki.join("kubelet-client.crt"),
            &kubelet_client.certificate_pem,
        )?;
        write(
            &pki.join("kubelet-client.key"),
            kubelet_client.private_key_pem.expose(),
        )?;
        let mut users = Vec::new();
        let mut add = |component: &'static str, name: &str, groups: &[String]| -> Result<()> {
            let key = client_ca.issue_client(name, groups)?;
            users.push((
                component,
                User {
                    name: name.to_string(),
                    groups: groups.to_vec(),
                    credentials: Credentials::ClientCertificate(key),
                },
            ));
            Ok(())
        };
        if options.nodes > 0 {
            add("kwok", KWOK_USER, &["system:masters".to_string()])?;
        }
        if options.controllers {
            add("kube-controller-manager", CONTROLLER_MANAGER_USER, &[])?;
            add("kube-scheduler", SCHEDULER_USER, &[])?;
        }
        Ok(Self { users })
    }

    /// Writes each component's kubeconfig for the API server at `server_url`.
    fn write_kubeconfigs(&self, dir: &Path, server_url: &str, ca_pem: &str) -> Result<()> {
        for (component, user) in &self.users {
            let text =
                kubeconfig::render(server_url, ca_pem, std::slice::from_ref(user), &user.name)?;
            write(&kubeconfig_path(dir, component), &text)?;
        }
        Ok(())
    }
}

fn kubeconfig_path(dir: &Path, component: &str) -> PathBuf {
    dir.join(format!("{component}.kubeconfig"))
}

fn write(path: &Path, contents: &str) -> Result<()> {
    kubeconfig::write_private(path, contents)
}

/// The kube-apiserver flags of cluster mode: how to reach and trust kubelets.
pub(crate) fn apiserver_flags(pki: &PkiFiles<'_>) -> Flags {
    let mut flags = Flags::default();
    flags.set("kubelet-preferred-address-types", "InternalIP");
    flags.set("kubelet-client-certificate", pki.path("kubelet-client.crt"));
    flags.set("kubelet-client-key", pki.path("kubelet-client.key"));
    flags.set("kubelet-certificate-authority", pki.path("ca.crt"));
    flags
}

/// The running components of cluster mode. Dropping it stops them.
#[derive(Debug, Default)]
pub(crate) struct Cluster {
    // Field order is drop order: controllers before KWOK.
    pub(crate) scheduler: Option<ManagedProcess>,
    pub(crate) controller_manager: Option<ManagedProcess>,
    pub(crate) kwok: Option<ManagedProcess>,
    /// The names of the simulated nodes.
    pub(crate) nodes: Vec<String>,
    /// KWOK's kubelet endpoint, e.g. `https://127.0.0.1:40125`.
    pub(crate) kubelet_url: Option<String>,
}

impl Cluster {
    /// The running processes.
    pub(crate) fn processes(&self) -> impl Iterator<Item = &ManagedProcess> {
        [&self.kwok, &self.controller_manager, &self.scheduler]
            .into_iter()
            .flatten()
    }

    /// Lets the processes outlive this handle; returns their process groups.
    pub(crate) fn detach(self) -> Vec<u32> {
        let Cluster {
            scheduler,
            controller_manager,
            kwok,
            ..
        } = self;
        [kwok, controller_manager, scheduler]
            .into_iter()
            .flatten()
            .map(ManagedProcess::detach)
            .collect()
    }
}

/// Everything [`start`] needs.
pub(crate) struct StartCluster<'a> {
    pub(crate) options: &'a ClusterOptions,
    pub(crate) binaries: &'a ClusterBinaries,
    pub(crate) pki: &'a ClusterPki,
    pub(crate) pki_files: &'a PkiFiles<'a>,
    pub(crate) dir: &'a Path,
    pub(crate) server_url: &'a str,
    pub(crate) ca_pem: &'a str,
    pub(crate) admin: &'a User,
    pub(crate) lifetime: Lifetime,
    pub(crate) timeout: Duration,
}

/// Installs KWOK's CRDs, creates the nodes, starts KWOK and the controllers, and waits
/// until they are healthy and every node is Ready.
pub(crate) async fn start(start: &StartCluster<'_>) -> Result<Cluster> {
    let options = start.options;
    let client = probe::https_client(start.ca_pem, start.admin)?;
    start
        .pki
        .write_kubeconfigs(start.dir, start.server_url, start.ca_pem)?;
    let mut cluster = Cluster::default();
    let mut waiting = Vec::new();
    if let Some(kwok_binary) = start.binaries.kwok.as_deref().filter(|_| options.nodes > 0) {
        install_crds(&client, start.server_url, start.timeout).await?;
        for index in 0..options.nodes {
            let name = kwok::node_name(index);
            api::post(
                &client,
                start.server_url,
                "/api/v1/nodes",
                &kwok::node(&name),
                true,
            )
            .await?;
            cluster.nodes.push(name);
        }
        let config = start.dir.join("kwok-stages.yaml");
        write(&config, &kwok::stages_config()?)?;
        let port = free_port()?;
        let mut flags = kwok_flags(start, &config, port);
        flags.merge(&options.kwok_flags);
        let process = spawn(start, "kwok", kwok_binary, &flags)?;
        let url = format!("https://127.0.0.1:{port}");
        waiting.push(("kwok", format!("{url}/healthz")));
        cluster.kubelet_url = Some(url);
        cluster.kwok = Some(process);
    }
    if let Some(controllers) = start
        .binaries
        .controllers
        .as_ref()
        .filter(|_| options.controllers)
    {
        let port = free_port()?;
        let mut flags = controller_manager_flags(start, port);
        flags.merge(&options.controller_manager_flags);
        cluster.controller_manager = Some(spawn(
            start,
            "kube-controller-manager",
            &controllers.kube_controller_manager,
            &flags,
        )?);
        waiting.push((
            "kube-controller-manager",
            format!("https://127.0.0.1:{port}/healthz"),
        ));
        let port = free_port()?;
        let mut flags = scheduler_flags(start, port);
        flags.merge(&options.scheduler_flags);
        cluster.scheduler = Some(spawn(
            start,
            "kube-scheduler",
            &controllers.kube_scheduler,
            &flags,
        )?);
        waiting.push((
            "kube-scheduler",
            format!("https://127.0.0.1:{port}/healthz"),
        ));
    }
    let probe_client = probe::https_client(start.ca_pem, start.admin)?;
    for (component, url) in waiting {
        let process = match component {
            "kwok" => cluster.kwok.as_mut(),
            "kube-controller-manager" => cluster.controller_manager.as_mut(),
            _ => cluster.scheduler.as_mut(),
        };
        if let Some(process) = process {
            probe::wait_ready(
                component,
                process,
                &probe_client,
                &url,
                |body| body.trim() == "ok",
                start.timeout,
            )
            .await?;
        }
    }
    if let Some(kwok_process) = cluster.kwok.as_mut() {
        wait_nodes_ready(
            &client,
            start.server_url,
            &cluster.nodes,
            kwok_process,
            start.timeout,
        )
        .await?;
    }
    Ok(cluster)
}

fn spawn(
    start: &StartCluster<'_>,
    component: &'static str,
    binary: &Path,
    flags: &Flags,
) -> Result<ManagedProcess> {
    Launch {
        binary,
        flags,
        log: start.dir.join(format!("{component}.log")),
        lifetime: start.lifetime,
        timeout: start.timeout,
    }
    .spawn(component)
}

fn kwok_flags(start: &StartCluster<'_>, config: &Path, port: u16) -> Flags {
    let pki = start.pki_files;
    let mut flags = Flags::default();
    flags.set(
        "kubeconfig",
        kubeconfig_path(start.dir, "kwok").display().to_string(),
    );
    flags.set("config", config.display().to_string());
    flags.set(
        "manage-nodes-with-annotation-selector",
        format!("{}={}", kwok::NODE_ANNOTATION, kwok::NODE_ANNOTATION_VALUE),
    );
    flags.set("node-ip", "127.0.0.1");
    flags.set("node-port", port.to_string());
    flags.set("server-address", format!("127.0.0.1:{port}"));
    flags.set("tls-cert-file", pki.path("components.crt"));
    flags.set("tls-private-key-file", pki.path("components.key"));
    flags.set("node-lease-duration-seconds", "40");
    // Pod IPs; apart from the service range 10.0.0.0/24.
    flags.set("cidr", "10.244.0.0/16");
    let kinds: Vec<&str> = kwok::CRDS.iter().map(|(kind, _)| *kind).collect();
    flags.set("enable-crds", kinds.join(","));
    flags
}

/// The flags kube-controller-manager and kube-scheduler share: their kubeconfig, no
/// leader election, the secure port on loopback with the components' certificate.
fn component_flags(start: &StartCluster<'_>, component: &str, port: u16) -> Flags {
    let pki = start.pki_files;
    let mut flags = Flags::default();
    flags.set(
        "kubeconfig",
        kubeconfig_path(start.dir, component).display().to_string(),
    );
    flags.set("leader-elect", "false");
    flags.set("bind-address", "127.0.0.1");
    flags.set("secure-port", port.to_string());
    flags.set("tls-cert-file", pki.path("components.crt"));
    flags.set("tls-private-key-file", pki.path("components.key"));
    flags
}

fn controller_manager_flags(start: &StartCluster<'_>, port: u16) -> Flags {
    let pki = start.pki_files;
    let mut flags = component_flags(start, "kube-controller-manager", port);
    flags.set("controllers", "*");
    flags.set("use-service-account-credentials", "true");
    flags.set("service-account-private-key-file", pki.path("sa.key"));
    flags.set("root-ca-file", pki.path("ca.crt"));
    flags.set("cluster-name", crate::kubeconfig::CLUSTER_NAME);
    flags
}

fn scheduler_flags(start: &StartCluster<'_>, port: u16) -> Flags {
    component_flags(start, "kube-scheduler", port)
}

/// Creates KWOK's CRDs and waits until the API server serves them.
async fn install_crds(client: &reqwest::Client, server_url: &str, timeout: Duration) -> Result<()> {
    const CRDS_PATH: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    let mut names = Vec::new();
    for (kind, file) in kwok::CRDS {
        let yaml = kwok::crd_yaml(file)?;
        let crd: Value = serde_yaml::from_str(&yaml).map_err(|error| {
            Error::Client(format!("KWOK's CRD of {kind} is not valid YAML: {error}"))
        })?;
        api::post(client, server_url, CRDS_PATH, &crd, true).await?;
        names.push(
            crd["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let started = Instant::now();
    for name in names {
        loop {
            let crd = api::get(client, server_url, &format!("{CRDS_PATH}/{name}")).await;
            let established = crd
                .as_ref()
                .is_ok_and(|crd| condition_true(&crd["status"]["conditions"], "Established"));
            if established {
                break;
            }
            if started.elapsed() > timeout {
                return Err(Error::Client(format!(
                    "CRD {name} was not established after {timeout:?}"
                )));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
    Ok(())
}

/// Waits until every node in `nodes` has condition Ready=True, failing early if KWOK
/// exits.
async fn wait_nodes_ready(
    client: &reqwest::Client,
    server_url: &str,
    nodes: &[String],
    kwok_process: &mut ManagedProcess,
    timeout: Duration,
) -> Result<()> {
    let started = Instant::now();
    loop {
        kwok_process.ensure_running()?;
        let list = api::get(client, server_url, "/api/v1/nodes").await;
        let ready: Vec<String> = list
            .iter()
            .flat_map(|list| list["items"].as_array().into_iter().flatten())
            .filter(|node| condition_true(&node["status"]["conditions"], "Ready"))
            .filter_map(|node| node["metadata"]["name"].as_str().map(String::from))
            .collect();
        if nodes.iter().all(|node| ready.contains(node)) {
            return Ok(());
        }
        if started.elapsed() > timeout {
            return Err(Error::NotReady {
                component: "kwok",
                waited: started.elapsed(),
                last_probe: format!("ready nodes {ready:?} of {nodes:?}"),
                log: kwok_process.log().to_path_buf(),
                log_tail: crate::process::log_tail(kwok_process.log()),
            });
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

fn condition_true(conditions: &Value, kind: &str) -> bool {
    conditions.as_array().is_some_and(|conditions| {
        conditions
            .iter()
            .any(|c| c["type"] == kind && c["status"] == "True")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_reads_conditions() {
        let conditions = serde_json::json!([
            {"type": "MemoryPressure", "status": "False"},
            {"type": "Ready", "status": "True"},
        ]);
        assert!(condition_true(&conditions, "Ready"));
        assert!(!condition_true(&conditions, "MemoryPressure"));
        assert!(!condition_true(&Value::Null, "Ready"));
    }
}
