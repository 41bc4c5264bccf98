//! Simulated nodes: what [KWOK](https://kwok.sigs.k8s.io) needs to run beside a control
//! plane, and builders for the KWOK resources that configure its kubelet endpoint.
//!
//! A control plane started with [`ControlPlaneBuilder::nodes`] runs `kwok`, which keeps
//! Nodes named [`node_name`]`(0..n)` Ready and turns Pods bound to them `Running`. Its
//! server plays the kubelet of every such node on one loopback port: kube-apiserver
//! reaches it for `pods/log`, `pods/exec`, `pods/attach` and `pods/portforward`, and it
//! answers from what KWOK's resources say, all created through the API:
//!
//! | resource | scope | what a matching pod's container does |
//! | --- | --- | --- |
//! | `Exec` / `ClusterExec` | pod / selected pods | exec runs the command as a local process of the test machine |
//! | `Logs` / `ClusterLogs` | pod / selected pods | logs are read from a local file in CRI log format ([`cri_log_line`]) |
//! | `Attach` / `ClusterAttach` | pod / selected pods | attach streams a local file in CRI log format |
//! | `PortForward` / `ClusterPortForward` | pod / selected pods | a forwarded port connects to a local TCP address |
//!
//! A namespaced resource applies to the pod of the same name and namespace; a cluster
//! one to the pods its `spec.selector` matches (`matchNamespaces`, `matchNames`; all
//! pods without one). Rules of this module:
//!
//! - The builders return plain JSON objects ([`serde_json::Value`]), ready to be posted
//!   to [`collection_path`] with any client; change fields before posting as needed.
//! - KWOK learns of new objects through a watch: an exec or port-forward sent in the
//!   same millisecond as the object's creation can still find no rule. [`create`]
//!   therefore waits briefly after creating.
//! - Commands of `Exec` rules run as the user of the test process, on the test machine:
//!   tests decide what they run.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use clientgo_envtest::{ControlPlane, kwok};
//!
//! let plane = ControlPlane::builder().nodes(1).start().await?;
//! let admin = plane.http_client(&plane.admin())?;
//! // A pod on the simulated node, Running within a second or two.
//! kwok::create(&admin, plane.server_url(), &kwok::pod("default", "web", &kwok::node_name(0))).await?;
//! // `kubectl exec web -- echo hi` runs `echo hi` on this machine.
//! kwok::create(&admin, plane.server_url(), &kwok::local_exec("default", "web")).await?;
//! // `kubectl port-forward web 8080` reaches 127.0.0.1:9000 of this machine.
//! let target: std::net::SocketAddr = "127.0.0.1:9000".parse()?;
//! kwok::create(&admin, plane.server_url(), &kwok::port_forward_to("default", "web", 8080, target)).await?;
//! # Ok(()) }
//! ```
//!
//! KWOK's CRDs and stages come from its module (`sigs.k8s.io/kwok` v0.8.0,
//! `kustomize/crd/bases` and `kustomize/stage`), copied into the cache when `kwok` is
//! installed.
//!
//! [`ControlPlaneBuilder::nodes`]: crate::ControlPlaneBuilder::nodes

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// The API group of KWOK's resources.
pub const GROUP: &str = "kwok.x-k8s.io";

/// The `apiVersion` of KWOK's resources.
pub const API_VERSION: &str = "kwok.x-k8s.io/v1alpha1";

/// The annotation (with value [`NODE_ANNOTATION_VALUE`]) that marks the Nodes KWOK
/// manages.
pub const NODE_ANNOTATION: &str = "kwok.x-k8s.io/node";

/// The value of [`NODE_ANNOTATION`] on managed Nodes.
pub const NODE_ANNOTATION_VALUE: &str = "fake";

/// How long [`create`] waits after creating an object, so that KWOK's watch has seen it.
const SETTLE_TIME: Duration = Duration::from_millis(300);

/// The custom resources KWOK is run with (`--enable-crds`), each with the file of its
/// CRD in KWOK's module (`kustomize/crd/bases/`).
pub(crate) const CRDS: &[(&str, &str)] = &[
    ("Exec", "kwok.x-k8s.io_execs.yaml"),
    ("ClusterExec", "kwok.x-k8s.io_clusterexecs.yaml"),
    ("Logs", "kwok.x-k8s.io_logs.yaml"),
    ("ClusterLogs", "kwok.x-k8s.io_clusterlogs.yaml"),
    ("Attach", "kwok.x-k8s.io_attaches.yaml"),
    ("ClusterAttach", "kwok.x-k8s.io_clusterattaches.yaml"),
    ("PortForward", "kwok.x-k8s.io_portforwards.yaml"),
    (
        "ClusterPortForward",
        "kwok.x-k8s.io_clusterportforwards.yaml",
    ),
];

/// KWOK's default lifecycle, as files of its module (`kustomize/stage/`): Nodes become
/// Ready and keep their lease, Pods on them become Running (Job pods Succeeded),
/// deleted Pods go away.
pub(crate) const STAGES: &[&str] = &[
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
];

/// The CRD (YAML) of `file`, from the copy of KWOK's data files.
pub(crate) fn crd_yaml(file: &str) -> Result<String> {
    read_data(&format!("crds/{file}"))
}

/// The configuration file KWOK reads (`--config`): the stages, one YAML document each.
pub(crate) fn stages_config() -> Result<String> {
    let mut config = String::new();
    for path in STAGES {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stage = read_data(&format!("stages/{name}"))?;
        config.push_str(&format!(
            "---\n{}\n",
            stage.trim_start_matches("---\n").trim_end()
        ));
    }
    Ok(config)
}

fn read_data(relative: &str) -> Result<String> {
    let path = crate::assets::kwok_data_dir().join(relative);
    std::fs::read_to_string(&path).map_err(|error| {
        Error::Client(format!(
            "reading KWOK's {} (installed with kwok): {error}",
            path.display()
        ))
    })
}

/// The name of the `index`th simulated node: `kwok-node-0`, `kwok-node-1`, ...
pub fn node_name(index: usize) -> String {
    format!("kwok-node-{index}")
}

/// A Node that KWOK manages (annotated with [`NODE_ANNOTATION`]); KWOK fills in its
/// status (Ready, address 127.0.0.1, kubelet port, capacity).
pub fn node(name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {
                NODE_ANNOTATION: NODE_ANNOTATION_VALUE,
                "node.alpha.kubernetes.io/ttl": "0",
            },
            "labels": {
                "type": "kwok",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
            },
        },
    })
}

/// A Pod with one container `main` (image `busybox`, never pulled) bound to `node`
/// (`spec.nodeName`), which KWOK turns `Running` without a scheduler.
pub fn pod(namespace: &str, name: &str, node: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "nodeName": node,
            "containers": [{"name": "main", "image": "busybox"}],
        },
    })
}

/// A `PortForward` for pod `namespace/pod`: connections to its port `pod_port` reach
/// `target` (e.g. a listener of the test on 127.0.0.1).
pub fn port_forward_to(namespace: &str, pod: &str, pod_port: u16, target: SocketAddr) -> Value {
    namespaced(
        "PortForward",
        namespace,
        pod,
        json!({"forwards": [forward(pod_port, target)]}),
    )
}

/// A `ClusterPortForward` called `name`: port `pod_port` of every pod reaches `target`.
/// Narrow it with `spec.selector` (`matchNamespaces`, `matchNames`).
pub fn cluster_port_forward_to(name: &str, pod_port: u16, target: SocketAddr) -> Value {
    cluster(
        "ClusterPortForward",
        name,
        json!({"forwards": [forward(pod_port, target)]}),
    )
}

fn forward(pod_port: u16, target: SocketAddr) -> Value {
    json!({
        "ports": [pod_port],
        "target": {"port": target.port(), "address": target.ip().to_string()},
    })
}

/// An `Exec` for pod `namespace/pod`: commands exec'd in any of its containers run as
/// local processes of this machine (working directory and environment of KWOK unless
/// `spec.execs[0].local.workDir` / `envs` say otherwise).
pub fn local_exec(namespace: &str, pod: &str) -> Value {
    namespaced("Exec", namespace, pod, json!({"execs": [{"local": {}}]}))
}

/// A `ClusterExec` called `name`: exec in any pod runs local processes.
pub fn cluster_local_exec(name: &str) -> Value {
    cluster("ClusterExec", name, json!({"execs": [{"local": {}}]}))
}

/// A `Logs` for pod `namespace/pod`: its containers' logs are read from `file`, which
/// holds lines in CRI log format ([`cri_log_line`]). Requests with `follow=true` keep
/// streaming lines appended to it.
pub fn logs_from_file(namespace: &str, pod: &str, file: &Path) -> Value {
    namespaced(
        "Logs",
        namespace,
        pod,
        json!({"logs": [{"logsFile": file.display().to_string()}]}),
    )
}

/// An `Attach` for pod `namespace/pod`: attaching to its containers streams `file`
/// (CRI log format, [`cri_log_line`]) as their output.
pub fn attach_to_file(namespace: &str, pod: &str, file: &Path) -> Value {
    namespaced(
        "Attach",
        namespace,
        pod,
        json!({"attaches": [{"logsFile": file.display().to_string()}]}),
    )
}

/// One line of a container log file in the CRI format KWOK reads: timestamp, stream
/// (`stdout` or `stderr`), `F` (full line), text, newline.
pub fn cri_log_line(stream: &str, text: &str) -> String {
    format!("2026-01-01T00:00:00.000000000Z {stream} F {text}\n")
}

fn namespaced(kind: &str, namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    })
}

fn cluster(kind: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": API_VERSION,
        "kind": kind,
        "metadata": {"name": name},
        "spec": spec,
    })
}

/// The path to POST `object` to: `/api/v1/...` for core objects, `/apis/GROUP/VERSION/...`
/// otherwise, with the plural of KWOK's kinds, Pods, Nodes and Namespaces. `None` for
/// other kinds or objects without `apiVersion` and `kind`.
pub fn collection_path(object: &Value) -> Option<String> {
    let api_version = object["apiVersion"].as_str()?;
    let kind = object["kind"].as_str()?;
    let plural = match kind {
        "Exec" => "execs",
        "ClusterExec" => "clusterexecs",
        "Logs" => "logs",
        "ClusterLogs" => "clusterlogs",
        "Attach" => "attaches",
        "ClusterAttach" => "clusterattaches",
        "PortForward" => "portforwards",
        "ClusterPortForward" => "clusterportforwards",
        "Pod" => "pods",
        "Node" => "nodes",
        "Namespace" => "namespaces",
        _ => return None,
    };
    let prefix = if api_version == "v1" {
        "/api/v1".to_string()
    } else {
        format!("/apis/{api_version}")
    };
    Some(match object["metadata"]["namespace"].as_str() {
        Some(namespace) => format!("{prefix}/namespaces/{namespace}/{plural}"),
        None => format!("{prefix}/{plural}"),
    })
}

/// Creates `object` (see [`collection_path`]) with `client` on the API server at
/// `server_url` and returns what the server stored; waits briefly afterwards so that
/// KWOK has seen it. An object that exists already is an error.
pub async fn create(client: &reqwest::Client, server_url: &str, object: &Value) -> Result<Value> {
    let path = collection_path(object).ok_or_else(|| {
        Error::Client(format!(
            "no collection path known for {} {}",
            object["apiVersion"], object["kind"]
        ))
    })?;
    let stored = crate::api::post(client, server_url, &path, object, false).await?;
    tokio::time::sleep(SETTLE_TIME).await;
    Ok(stored)
}

/// Waits until pod `namespace/name` is `Running` (KWOK takes about half a second), at
/// most `timeout`.
pub async fn wait_running(
    client: &reqwest::Client,
    server_url: &str,
    namespace: &str,
    name: &str,
    timeout: Duration,
) -> Result<()> {
    let path = format!("/api/v1/namespaces/{namespace}/pods/{name}");
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pod = crate::api::get(client, server_url, &path).await?;
        if pod["status"]["phase"] == "Running" {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::Client(format!(
                "pod {namespace}/{name} is not Running after {timeout:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_crd_defines_its_kind_in_the_kwok_group() {
        crate::assets::install_kwok(&crate::assets::print_progress).unwrap();
        for (kind, file) in CRDS {
            let crd: Value = serde_yaml::from_str(&crd_yaml(file).unwrap()).unwrap();
            assert_eq!(crd["kind"], "CustomResourceDefinition");
            assert_eq!(crd["spec"]["group"], GROUP);
            assert_eq!(crd["spec"]["names"]["kind"], *kind);
        }
    }

    #[test]
    fn stages_are_separate_documents() {
        crate::assets::install_kwok(&crate::assets::print_progress).unwrap();
        let config = stages_config().unwrap();
        assert_eq!(config.matches("---\n").count(), STAGES.len());
        assert!(config.contains("name: node-initialize"));
        assert!(config.contains("name: pod-delete"));
    }

    #[test]
    fn builders_make_objects_with_collection_paths() {
        let target: SocketAddr = "127.0.0.1:9000".parse().unwrap();
        let forward = port_forward_to("ns", "web", 8080, target);
        assert_eq!(forward["spec"]["forwards"][0]["ports"][0], 8080);
        assert_eq!(
            forward["spec"]["forwards"][0]["target"]["address"],
            "127.0.0.1"
        );
        assert_eq!(
            collection_path(&forward).unwrap(),
            "/apis/kwok.x-k8s.io/v1alpha1/namespaces/ns/portforwards"
        );
        assert_eq!(
            collection_path(&cluster_local_exec("all")).unwrap(),
            "/apis/kwok.x-k8s.io/v1alpha1/clusterexecs"
        );
        assert_eq!(
            collection_path(&pod("ns", "web", "kwok-node-0")).unwrap(),
            "/api/v1/namespaces/ns/pods"
        );
        assert_eq!(
            collection_path(&node("kwok-node-0")).unwrap(),
            "/api/v1/nodes"
        );
        assert!(collection_path(&json!({"apiVersion": "v1", "kind": "Secret"})).is_none());
        assert_eq!(
            cri_log_line("stdout", "hi").split(' ').nth(1),
            Some("stdout")
        );
    }
}
