//! Port forwarding through a real kube-apiserver to KWOK's kubelet, whose port-forward
//! reaches a local echo server of the test: over SPDY tunnelled through WebSocket, over
//! direct SPDY, and through a proxy that refuses WebSocket upgrades (the default then
//! falls back to SPDY).
//!
//! The tests need envtest's simulated nodes, hence `envtest_only` in their names.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::net::SocketAddr;
use std::time::Duration;

use clientgo_envtest::{ControlPlane, TcpProxy, UpgradeRefusingProxy, User, kwok};
use clientgo_portforward::{Error, PortForwarder, Transport};
use clientgo_rest::{Config, RestClient};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::OnceCell;

/// The pod port forwarded to the echo server.
const ECHO_PORT: u16 = 8080;
/// A pod port with no forwarding rule: KWOK refuses it.
const REFUSED_PORT: u16 = 9999;

static PLANE: OnceCell<ControlPlane> = OnceCell::const_new();

async fn plane() -> &'static ControlPlane {
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

fn config_for(plane: &ControlPlane, user: &User) -> Config {
    let mut config = Config::new(plane.server_url());
    config.transport = plane.transport_config(user);
    config
}

/// A local TCP echo server for this test's runtime.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut read, mut write) = socket.split();
                let _ = tokio::io::copy(&mut read, &mut write).await;
            });
        }
    });
    address
}

/// A namespace with a Running pod `web` whose port 8080 reaches `target`.
async fn pod_forwarding_to(prefix: &str, target: SocketAddr) -> String {
    let plane = plane().await;
    let http = plane.http_client(&plane.admin()).unwrap();
    let server = plane.server_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let namespace = format!("{prefix}-{:x}{nanos:x}", std::process::id());
    let object = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}});
    kwok::create(&http, server, &object).await.unwrap();
    kwok::create(
        &http,
        server,
        &kwok::pod(&namespace, "web", &kwok::node_name(0)),
    )
    .await
    .unwrap();
    kwok::create(
        &http,
        server,
        &kwok::port_forward_to(&namespace, "web", ECHO_PORT, target),
    )
    .await
    .unwrap();
    kwok::wait_running(&http, server, &namespace, "web", Duration::from_secs(30))
        .await
        .unwrap();
    namespace
}

/// How the connection is carried in a test run.
#[derive(Clone, Copy, Debug)]
enum Via {
    WebSocket,
    Spdy,
    /// The default transport behind a proxy refusing WebSocket upgrades.
    Fallback,
}

const ALL: [Via; 3] = [Via::WebSocket, Via::Spdy, Via::Fallback];

/// A forwarder for `ports` of pod `web`, and the proxy it goes through.
async fn forwarder(
    via: Via,
    namespace: &str,
    ports: &[&str],
) -> (PortForwarder, Option<UpgradeRefusingProxy>) {
    let plane = plane().await;
    let (config, proxy) = match via {
        Via::Fallback => {
            let proxy = UpgradeRefusingProxy::start(plane).await.unwrap();
            (Config::new(proxy.url()), Some(proxy))
        }
        _ => (config_for(plane, &plane.admin()), None),
    };
    let url =
        clientgo_portforward::url(&RestClient::new(&config).unwrap(), namespace, "web").unwrap();
    let transport = match via {
        Via::WebSocket => Transport::WebSocket,
        Via::Spdy => Transport::Spdy,
        Via::Fallback => Transport::Fallback,
    };
    let forwarder = PortForwarder::new(&config, url, ports)
        .unwrap()
        .transport(transport);
    (forwarder, proxy)
}

fn pattern(seed: u32, len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

/// Sends `data` through `socket` and reads as many bytes back. (KWOK's forwarding does
/// not pass on a half-close, so the echo is read by length, not to end of file.)
async fn round_trip(socket: TcpStream, data: Vec<u8>) -> Vec<u8> {
    let (mut read, mut write) = socket.into_split();
    let len = data.len();
    let sender = tokio::spawn(async move {
        write.write_all(&data).await.unwrap();
        write
    });
    let mut echoed = vec![0; len];
    read.read_exact(&mut echoed).await.unwrap();
    drop(sender.await.unwrap());
    echoed
}

#[tokio::test]
async fn envtest_only_32_concurrent_connections_move_100_mb_byte_exact() {
    let namespace = pod_forwarding_to("pf-bulk", echo_server().await).await;
    const CONNECTIONS: u32 = 32;
    const EACH: usize = 100 * 1024 * 1024 / CONNECTIONS as usize;
    for via in ALL {
        let (forwarder, _proxy) = forwarder(via, &namespace, &[":8080"]).await;
        let forwarding = forwarder
            .start()
            .await
            .unwrap_or_else(|e| panic!("{via:?}: {e}"));
        let local = forwarding.ports()[0].local;
        assert_ne!(local, 0);
        let mut tasks = Vec::new();
        for seed in 0..CONNECTIONS {
            tasks.push(tokio::spawn(async move {
                let socket = TcpStream::connect(("127.0.0.1", local)).await.unwrap();
                let data = pattern(seed, EACH);
                let echoed = round_trip(socket, data.clone()).await;
                assert_eq!(echoed.len(), data.len());
                echoed == data
            }));
        }
        for task in tasks {
            assert!(task.await.unwrap(), "{via:?}: the bytes differ");
        }
        forwarding.stop().await;
    }
}

#[tokio::test]
async fn envtest_only_in_process_streams_and_ipv6_listeners() {
    let namespace = pod_forwarding_to("pf-stream", echo_server().await).await;
    for via in ALL {
        let (forwarder, _proxy) = forwarder(via, &namespace, &[":8080"]).await;
        let forwarding = forwarder.start().await.unwrap();
        let mut stream = forwarding.connect(ECHO_PORT).await.unwrap();
        stream.write_all(b"in-process").await.unwrap();
        let mut echoed = [0u8; 10];
        stream.read_exact(&mut echoed).await.unwrap();
        assert_eq!(&echoed, b"in-process", "{via:?}");
        // `localhost` listens on ::1 too.
        let local = forwarding.ports()[0].local;
        let socket = TcpStream::connect(("::1", local)).await.unwrap();
        assert_eq!(
            round_trip(socket, b"over ipv6".to_vec()).await,
            b"over ipv6",
            "{via:?}"
        );
        forwarding.stop().await;
    }
}

#[tokio::test]
async fn envtest_only_a_refused_pod_port_is_reported_and_the_rest_goes_on() {
    let namespace = pod_forwarding_to("pf-refused", echo_server().await).await;
    for via in ALL {
        let (forwarder, _proxy) = forwarder(via, &namespace, &[":8080", ":9999"]).await;
        let mut forwarding = forwarder.start().await.unwrap();
        let refused = forwarding.ports()[1];
        assert_eq!(refused.remote, REFUSED_PORT);
        let mut socket = TcpStream::connect(("127.0.0.1", refused.local))
            .await
            .unwrap();
        let mut rest = Vec::new();
        // The local connection is closed...
        let _ = tokio::time::timeout(Duration::from_secs(30), socket.read_to_end(&mut rest))
            .await
            .expect("the refused connection is closed");
        // ...and the error reported.
        let error = tokio::time::timeout(Duration::from_secs(30), forwarding.next_error())
            .await
            .expect("an error is reported")
            .expect("the forwarding runs");
        assert_eq!(error.port, refused, "{via:?}");
        assert!(error.message.contains("9999"), "{via:?}: {error}");
        // Other connections still work.
        let local = forwarding.ports()[0].local;
        let socket = TcpStream::connect(("127.0.0.1", local)).await.unwrap();
        assert_eq!(
            round_trip(socket, b"still up".to_vec()).await,
            b"still up",
            "{via:?}"
        );
        forwarding.stop().await;
    }
}

/// The pod's side closing reaches the local connection. (KWOK notices a closed target
/// only when writing to it fails, so the test keeps sending after the answer.)
#[tokio::test]
async fn envtest_only_the_remote_side_closing_is_seen_locally() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"bye").await;
        }
    });
    let namespace = pod_forwarding_to("pf-close", target).await;
    for via in ALL {
        let (forwarder, _proxy) = forwarder(via, &namespace, &[":8080"]).await;
        let forwarding = forwarder.start().await.unwrap();
        let mut socket = TcpStream::connect(("127.0.0.1", forwarding.ports()[0].local))
            .await
            .unwrap();
        let mut got = [0u8; 3];
        socket.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"bye", "{via:?}");
        let mut ended = false;
        for _ in 0..300 {
            if socket.write_all(b"?").await.is_err() {
                ended = true;
                break;
            }
            let mut rest = [0u8; 16];
            let read = tokio::time::timeout(Duration::from_millis(100), socket.read(&mut rest));
            if let Ok(Ok(0) | Err(_)) = read.await {
                ended = true;
                break;
            }
        }
        assert!(ended, "{via:?}: the close did not reach the local side");
        forwarding.stop().await;
    }
}

#[tokio::test]
async fn envtest_only_stop_releases_the_local_port() {
    let namespace = pod_forwarding_to("pf-stop", echo_server().await).await;
    for via in ALL {
        let (forwarder, _proxy) = forwarder(via, &namespace, &[":8080"]).await;
        let forwarding = forwarder.start().await.unwrap();
        let local = forwarding.ports()[0].local;
        assert!(
            TcpListener::bind(("127.0.0.1", local)).await.is_err(),
            "{via:?}: in use"
        );
        forwarding.stop().await;
        TcpListener::bind(("127.0.0.1", local))
            .await
            .unwrap_or_else(|e| panic!("{via:?}: port {local} still taken: {e}"));
        TcpListener::bind(("::1", local))
            .await
            .unwrap_or_else(|e| panic!("{via:?}: port {local} still taken on ::1: {e}"));
    }
}

#[tokio::test]
async fn envtest_only_unauthorized_user_gets_forbidden_and_a_lost_connection_is_reported() {
    let namespace = pod_forwarding_to("pf-403", echo_server().await).await;
    let plane = plane().await;
    let config = config_for(plane, &plane.unprivileged());
    let url =
        clientgo_portforward::url(&RestClient::new(&config).unwrap(), &namespace, "web").unwrap();
    for transport in [Transport::WebSocket, Transport::Spdy, Transport::Fallback] {
        let error = PortForwarder::new(&config, url.clone(), &[":8080"])
            .unwrap()
            .transport(transport)
            .start()
            .await
            .expect_err("forbidden");
        assert!(error.is_upgrade_failure(), "{transport:?}: {error:?}");
        assert!(
            clientgo_apimachinery::errors::is_forbidden(&error),
            "{transport:?}: {error:?}"
        );
    }
    // A cut connection ends the forwarding: `wait` reports it.
    let upstream: SocketAddr = plane
        .server_url()
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let proxy = TcpProxy::start(upstream).await.unwrap();
    let mut config = config_for(plane, &plane.admin());
    config.host = proxy.url();
    let url =
        clientgo_portforward::url(&RestClient::new(&config).unwrap(), &namespace, "web").unwrap();
    let forwarding = PortForwarder::new(&config, url, &[":8080"])
        .unwrap()
        .transport(Transport::Spdy)
        .start()
        .await
        .unwrap();
    proxy.cut_all();
    let outcome = tokio::time::timeout(Duration::from_secs(30), forwarding.wait()).await;
    assert!(
        matches!(outcome, Ok(Err(Error::LostConnection))),
        "{outcome:?}"
    );
}
