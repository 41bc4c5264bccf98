//! A control plane with a simulated node (KWOK) shared by the tests of this binary.

use std::time::Duration;

use clientgo_envtest::{ControlPlane, User, kwok};
use clientgo_rest::Config;
use serde_json::json;
use tokio::sync::OnceCell;

static PLANE: OnceCell<ControlPlane> = OnceCell::const_new();

/// The control plane with one KWOK node.
pub async fn plane() -> &'static ControlPlane {
    PLANE
        .get_or_init(|| async {
            ControlPlane::builder()
                .nodes(1)
                .start()
                .await
                .expect("a control plane with a simulated node")
        })
        .await
}

/// A rest config for `user` of the plane.
pub fn config_for(plane: &ControlPlane, user: &User) -> Config {
    let mut config = Config::new(plane.server_url());
    config.transport = plane.transport_config(user);
    config
}

/// A new namespace holding a Running pod `name` on the simulated node, whose exec runs
/// local processes; returns the namespace.
pub async fn running_pod(prefix: &str, name: &str) -> String {
    let plane = plane().await;
    let http = plane.http_client(&plane.admin()).unwrap();
    let namespace = format!("{prefix}-{}", fastrand_suffix());
    let server = plane.server_url();
    kwok::create(
        &http,
        server,
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
    )
    .await
    .unwrap();
    kwok::create(
        &http,
        server,
        &kwok::pod(&namespace, name, &kwok::node_name(0)),
    )
    .await
    .unwrap();
    kwok::create(&http, server, &kwok::local_exec(&namespace, name))
        .await
        .unwrap();
    kwok::wait_running(&http, server, &namespace, name, Duration::from_secs(30))
        .await
        .unwrap();
    namespace
}

fn fastrand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{:x}{:x}", std::process::id(), nanos)
}
