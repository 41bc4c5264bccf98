//! Cluster mode runs what its documentation promises: simulated nodes that become
//! Ready, pods on them that run, a kubelet endpoint that kube-apiserver reaches with
//! its client certificate, KWOK's resources accepted through the API, and controllers
//! that run Deployments, collect garbage and finish namespace deletion.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clientgo_envtest::{ControlPlane, kwok};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::OnceCell;

/// One control plane with simulated nodes (no controllers) for the tests that need
/// nothing else; it ends with the test process.
async fn nodes_plane() -> &'static ControlPlane {
    static PLANE: OnceCell<ControlPlane> = OnceCell::const_new();
    PLANE
        .get_or_init(|| async { ControlPlane::builder().nodes(2).start().await.unwrap() })
        .await
}

struct Api {
    client: reqwest::Client,
    server: String,
}

impl Api {
    fn new(plane: &ControlPlane) -> Self {
        Self {
            client: plane.http_client(&plane.admin()).unwrap(),
            server: plane.server_url().to_string(),
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.server))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, text) = self.get(path).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn create(&self, object: &Value) -> Value {
        kwok::create(&self.client, &self.server, object)
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.server))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    async fn delete(&self, path: &str) {
        let response = self
            .client
            .delete(format!("{}{path}", self.server))
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(status.is_success(), "DELETE {path}: {status}");
    }

    async fn namespace(&self, prefix: &str) -> String {
        let created = self
            .post(
                "/api/v1/namespaces",
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"generateName": format!("{prefix}-")}}),
            )
            .await;
        created["metadata"]["name"].as_str().unwrap().to_string()
    }

    /// Polls `path` until `done` holds for its JSON (or its status for 404 checks).
    async fn wait_for(&self, what: &str, path: &str, done: impl Fn(u16, &Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let (status, body) = self.get_json(path).await;
            if done(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: still not there; last answer {status}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

fn condition_true(object: &Value, kind: &str) -> bool {
    object["status"]["conditions"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["type"] == kind && c["status"] == "True"))
}

/// A TCP server on 127.0.0.1 that echoes what it receives.
async fn echo_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                while let Ok(n) = stream.read(&mut buffer).await {
                    if n == 0 || stream.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    address
}

/// The lines of KWOK's log that report errors.
fn kwok_errors(plane: &ControlPlane) -> Vec<String> {
    std::fs::read_to_string(plane.dir().join("kwok.log"))
        .unwrap()
        .lines()
        .filter(|line| {
            // JSON lines of KWOK itself, or klog lines (`E1206 11:43:08.755706 ...`) of
            // the Kubernetes libraries it uses.
            let klog_error = line.starts_with('E')
                && line
                    .get(1..5)
                    .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
            line.contains("\"level\":\"ERROR\"") || klog_error
        })
        .map(String::from)
        .collect()
}

#[tokio::test]
async fn envtest_only_nodes_are_ready_and_a_bound_pod_runs() {
    let plane = nodes_plane().await;
    let api = Api::new(plane);
    assert_eq!(plane.nodes(), ["kwok-node-0", "kwok-node-1"]);
    assert!(
        plane
            .kubelet_url()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );
    let kubelet_port: u64 = plane
        .kubelet_url()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for name in plane.nodes() {
        let (status, node) = api.get_json(&format!("/api/v1/nodes/{name}")).await;
        assert_eq!(status, 200);
        assert!(condition_true(&node, "Ready"), "{node}");
        let addresses = node["status"]["addresses"].as_array().unwrap();
        assert!(
            addresses
                .iter()
                .any(|a| a["type"] == "InternalIP" && a["address"] == "127.0.0.1"),
            "{addresses:?}"
        );
        assert_eq!(
            node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"],
            kubelet_port
        );
    }

    let namespace = api.namespace("bound").await;
    api.create(&kwok::pod(&namespace, "web", &plane.nodes()[1]))
        .await;
    let pod = api
        .wait_for(
            "pod web Running",
            &format!("/api/v1/namespaces/{namespace}/pods/web"),
            |_, pod| pod["status"]["phase"] == "Running",
        )
        .await;
    assert!(condition_true(&pod, "Ready"), "{pod}");
    assert_eq!(pod["status"]["hostIP"], "127.0.0.1");
    assert!(
        pod["status"]["podIP"]
            .as_str()
            .unwrap()
            .starts_with("10.244."),
        "{pod}"
    );
    assert!(!plane.runs_controllers());
}

#[tokio::test]
async fn envtest_only_pod_logs_reach_the_kubelet_and_come_from_the_logs_file() {
    let plane = nodes_plane().await;
    let api = Api::new(plane);
    let namespace = api.namespace("logs").await;
    let files = tempfile::tempdir().unwrap();

    // A namespaced Logs object for one pod.
    let file = files.path().join("web.log");
    let text = [
        kwok::cri_log_line("stdout", "first line"),
        kwok::cri_log_line("stderr", "second line"),
    ]
    .concat();
    std::fs::write(&file, text).unwrap();
    api.create(&kwok::pod(&namespace, "web", &plane.nodes()[0]))
        .await;
    api.create(&kwok::logs_from_file(&namespace, "web", &file))
        .await;
    let (status, log) = api
        .get(&format!("/api/v1/namespaces/{namespace}/pods/web/log"))
        .await;
    assert_eq!((status, log.as_str()), (200, "first line\nsecond line\n"));
    let (status, tail) = api
        .get(&format!(
            "/api/v1/namespaces/{namespace}/pods/web/log?tailLines=1"
        ))
        .await;
    assert_eq!((status, tail.as_str()), (200, "second line\n"));

    // A ClusterLogs object selecting another pod by name.
    let other = files.path().join("other.log");
    std::fs::write(
        &other,
        kwok::cri_log_line("stdout", "from the cluster rule"),
    )
    .unwrap();
    api.create(&kwok::pod(&namespace, "other", &plane.nodes()[1]))
        .await;
    let rule = json!({
        "apiVersion": kwok::API_VERSION,
        "kind": "ClusterLogs",
        "metadata": {"name": format!("{namespace}-other")},
        "spec": {
            "selector": {"matchNamespaces": [namespace], "matchNames": ["other"]},
            "logs": [{"logsFile": other.display().to_string()}],
        },
    });
    api.create(&rule).await;
    let (status, log) = api
        .get(&format!("/api/v1/namespaces/{namespace}/pods/other/log"))
        .await;
    assert_eq!((status, log.as_str()), (200, "from the cluster rule\n"));

    // A pod without a rule: the kubelet answers, with an error.
    api.create(&kwok::pod(&namespace, "silent", &plane.nodes()[0]))
        .await;
    let (status, _) = api
        .get(&format!("/api/v1/namespaces/{namespace}/pods/silent/log"))
        .await;
    assert!(status >= 400, "{status}");
}

#[tokio::test]
async fn envtest_only_port_forward_and_exec_rules_are_accepted() {
    let plane = nodes_plane().await;
    let api = Api::new(plane);
    let namespace = api.namespace("forward").await;
    let target = echo_server().await;
    api.create(&kwok::pod(&namespace, "db", &plane.nodes()[0]))
        .await;

    let forward = api
        .create(&kwok::port_forward_to(&namespace, "db", 5432, target))
        .await;
    assert_eq!(forward["spec"]["forwards"][0]["ports"][0], 5432);
    assert_eq!(
        forward["spec"]["forwards"][0]["target"]["port"],
        target.port()
    );
    let mut cluster_forward =
        kwok::cluster_port_forward_to(&format!("{namespace}-all"), 6379, target);
    cluster_forward["spec"]["selector"] = json!({"matchNamespaces": [namespace]});
    api.create(&cluster_forward).await;
    api.create(&kwok::local_exec(&namespace, "db")).await;
    api.create(&kwok::attach_to_file(
        &namespace,
        "db",
        std::path::Path::new("/dev/null"),
    ))
    .await;
    let mut exec = kwok::cluster_local_exec(&format!("{namespace}-exec"));
    exec["spec"]["selector"] = json!({"matchNamespaces": [namespace]});
    exec["spec"]["execs"][0]["local"]["envs"] = json!([{"name": "GREETING", "value": "hi"}]);
    api.create(&exec).await;

    let (status, list) = api
        .get_json(&format!(
            "/apis/kwok.x-k8s.io/v1alpha1/namespaces/{namespace}/portforwards"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // KWOK watched and converted every rule without complaint.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(kwok_errors(plane), Vec::<String>::new());
}

#[tokio::test]
async fn envtest_only_cluster_mode_runs_deployments_collects_garbage_and_deletes_namespaces() {
    let plane = ControlPlane::cluster().await.unwrap();
    assert!(plane.runs_controllers());
    assert_eq!(plane.process_ids().len(), 5);
    let api = Api::new(&plane);
    let namespace = api.namespace("deploy").await;
    let apps = format!("/apis/apps/v1/namespaces/{namespace}");
    api.post(
        &format!("{apps}/deployments"),
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "main", "image": "busybox"}]},
                },
            },
        }),
    )
    .await;
    api.wait_for(
        "deployment web available",
        &format!("{apps}/deployments/web"),
        |_, d| d["status"]["readyReplicas"] == 2 && d["status"]["availableReplicas"] == 2,
    )
    .await;
    let replica_sets = api
        .wait_for(
            "one ReplicaSet",
            &format!("{apps}/replicasets"),
            |_, list| list["items"].as_array().is_some_and(|i| i.len() == 1),
        )
        .await;
    assert_eq!(replica_sets["items"][0]["status"]["readyReplicas"], 2);
    let pods_path = format!("/api/v1/namespaces/{namespace}/pods");
    let pods = api
        .wait_for("two Running pods", &pods_path, |_, list| {
            list["items"].as_array().is_some_and(|items| {
                items.len() == 2 && items.iter().all(|p| p["status"]["phase"] == "Running")
            })
        })
        .await;
    for pod in pods["items"].as_array().unwrap() {
        let node = pod["spec"]["nodeName"].as_str().unwrap();
        assert!(plane.nodes().iter().any(|n| n == node), "{pod}");
    }

    api.delete(&format!("{apps}/deployments/web")).await;
    api.wait_for(
        "ReplicaSet collected",
        &format!("{apps}/replicasets"),
        |_, list| list["items"].as_array().is_some_and(Vec::is_empty),
    )
    .await;
    api.wait_for("pods collected", &pods_path, |_, list| {
        list["items"].as_array().is_some_and(Vec::is_empty)
    })
    .await;

    api.create(&kwok::pod(&namespace, "left", &plane.nodes()[0]))
        .await;
    api.delete(&format!("/api/v1/namespaces/{namespace}")).await;
    api.wait_for(
        "namespace deleted",
        &format!("/api/v1/namespaces/{namespace}"),
        |status, _| status == 404,
    )
    .await;

    let pids = plane.process_ids();
    drop(plane);
    let gone = |pid: &u32| !std::path::Path::new(&format!("/proc/{pid}")).exists();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !pids.iter().all(gone) {
        assert!(Instant::now() < deadline, "{pids:?} still run");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
