//! What the client does when the network or the server misbehaves: refused connections,
//! untrusted certificates, servers that never answer or close every connection,
//! `Retry-After` abuse, endless bodies, huge watch events, gzip bombs and malformed
//! protobuf. Each gets a typed error or a recovery, promptly, with bounded memory.
//!
//! The real API server (through a counting TCP proxy) stands in where it can; small
//! loopback servers play the hostile parts it cannot.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clientgo_apimachinery::meta::ObjectMeta;
use clientgo_apimachinery::protobuf;
use clientgo_envtest::{TcpProxy, test_cluster};
use clientgo_rest::{ApiStatus, Config, Error, RestClient, WatchStream};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How a hostile loopback server answers each connection.
#[derive(Clone)]
enum Hostile {
    /// Closes the connection without a word.
    Close,
    /// `429` with this `Retry-After`, then keeps the connection.
    RetryAfter(&'static str),
    /// `200` and then bytes without a newline, forever.
    EndlessBody,
    /// `200` with this gzip body.
    Gzip(Arc<Vec<u8>>),
    /// `200` with this protobuf body, then the connection closes.
    Protobuf(&'static str, Arc<Vec<u8>>),
}

/// Serves `behaviour` on a loopback port; returns `http://addr` and a connection count.
async fn hostile_server(behaviour: Hostile) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(socket, behaviour.clone()));
        }
    });
    (url, connections)
}

async fn answer(mut socket: TcpStream, behaviour: Hostile) {
    if let Hostile::Close = behaviour {
        return;
    }
    if !read_request_head(&mut socket).await {
        return;
    }
    match behaviour {
        Hostile::Close => {}
        Hostile::RetryAfter(seconds) => {
            let answer = format!(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {seconds}\r\nContent-Length: 0\r\n\r\n"
            );
            // Every request on the connection gets the same answer.
            while socket.write_all(answer.as_bytes()).await.is_ok()
                && read_request_head(&mut socket).await
            {}
        }
        Hostile::EndlessBody => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            while socket.write_all(&chunk).await.is_ok() {}
        }
        Hostile::Gzip(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
        }
        Hostile::Protobuf(content_type, body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
        }
    }
}

/// GETs `/api/v1/pods` from `client`, whatever the server answers.
async fn get_pods(client: &RestClient) -> Result<clientgo_rest::Response, Error> {
    client.get().abs_path("/api/v1/pods").send().await
}

/// Reads one request head (these tests send no bodies); false at the end of input.
async fn read_request_head(socket: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match socket.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    true
}

/// The shared test cluster, and a counting TCP proxy in front of it.
async fn proxied_cluster() -> (&'static clientgo_envtest::TestCluster, TcpProxy) {
    let cluster = test_cluster().await.unwrap();
    let upstream = cluster.server_url().trim_start_matches("https://").parse();
    (cluster, TcpProxy::start(upstream.unwrap()).await.unwrap())
}

fn client(url: &str) -> RestClient {
    RestClient::new(&Config {
        qps: -1.0,
        ..Config::new(url)
    })
    .unwrap()
}

/// A URL on which nothing listens.
async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

async fn watch(client: &RestClient) -> Result<WatchStream<Value>, Error> {
    client
        .get()
        .group_version("", "v1")
        .resource("configmaps")
        .watch::<Value>()
        .await
}

#[tokio::test]
async fn refused_connections_fail_at_once_and_say_so() {
    let url = refused_url().await;
    let client = client(&url);
    let started = Instant::now();
    let error = client.get().abs_path("/version").send().await.unwrap_err();
    // Retrying (1 s apart) would take 10 s; one attempt is over in milliseconds.
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let text = error.to_string().to_lowercase();
    assert!(text.contains("connection refused"), "{error}");

    let started = Instant::now();
    let error = watch(&client)
        .await
        .err()
        .expect("a refused watch is an error");
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    assert!(
        error
            .to_string()
            .to_lowercase()
            .contains("connection refused")
    );
}

#[tokio::test]
async fn envtest_only_untrusted_certificates_fail_at_once_and_name_the_cause() {
    let (_, proxy) = proxied_cluster().await;
    // No CA configured: the system's roots do not know the cluster's CA.
    let client = client(&proxy.url());

    let error = client.get().abs_path("/version").send().await.unwrap_err();
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
    assert_eq!(proxy.connections(), 1, "a certificate error is not retried");

    let error = watch(&client)
        .await
        .err()
        .expect("an untrusted watch is an error");
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
    assert_eq!(proxy.connections(), 2, "a watch does not retry it either");
}

#[tokio::test]
async fn envtest_only_a_server_that_never_completes_the_handshake_is_given_up_on() {
    let (cluster, proxy) = proxied_cluster().await;
    proxy.hold(true); // accepts TCP, never forwards: no TLS handshake ever completes
    let mut config = Config::new(proxy.url());
    config.transport.tls.ca_data = Some(cluster.ca_certificate_pem().as_bytes().to_vec());
    let client = RestClient::new(&config).unwrap();

    let started = Instant::now();
    let error = client.get().abs_path("/version").send().await.unwrap_err();
    let took = started.elapsed();
    // The 10 s connect-and-handshake timeout, once: a timeout is not retried for GET.
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(20),
        "{took:?}"
    );
    assert!(
        error.to_string().to_lowercase().contains("timed out"),
        "{error}"
    );
    assert_eq!(proxy.connections(), 1);

    // A watch with a timeout ends at that timeout, as an empty watch (client-go's rule
    // for timeouts).
    let started = Instant::now();
    let stream = client
        .get()
        .group_version("", "v1")
        .resource("configmaps")
        .timeout(Duration::from_secs(2))
        .watch::<Value>()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(stream.count().await, 0);
}

#[tokio::test]
async fn closed_connections_are_retried_for_reads_only() {
    let (url, connections) = hostile_server(Hostile::Close).await;
    let client = client(&url);

    let error = client
        .get()
        .abs_path("/version")
        .max_retries(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(connections.load(Ordering::SeqCst), 3, "{error}");

    connections.store(0, Ordering::SeqCst);
    let error = client
        .post()
        .abs_path("/api/v1/namespaces")
        .body(b"{}".to_vec(), "application/json")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "writes are not retried: {error}"
    );

    // A watch whose connection closes on every attempt is an empty watch.
    connections.store(0, Ordering::SeqCst);
    let stream = client
        .get()
        .group_version("", "v1")
        .resource("configmaps")
        .max_retries(1)
        .watch::<Value>()
        .await
        .unwrap();
    assert_eq!(stream.count().await, 0);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn envtest_only_closed_connections_to_the_real_server_are_recovered_from() {
    let (cluster, proxy) = proxied_cluster().await;
    let admin = cluster.admin().unwrap();
    let mut config = Config::new(proxy.url());
    config.transport.tls.ca_data = Some(cluster.ca_certificate_pem().as_bytes().to_vec());
    if let clientgo_envtest::Credentials::ClientCertificate(key) = &admin.credentials {
        config.transport.tls.cert_data = Some(key.certificate_pem.as_bytes().to_vec());
        config.transport.tls.key_data = Some(key.private_key_pem.clone());
    }
    let client = RestClient::new(&config).unwrap();
    let version: Value = client.get().abs_path("/version").into_json().await.unwrap();
    assert!(version["gitVersion"].is_string());

    // A watch is open; its connection is cut: the stream ends (the caller re-watches)
    // and the next request opens a new connection.
    let mut stream = watch(&client).await.unwrap();
    proxy.cut_all();
    let ended = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = stream.next().await {
            if event.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the cut watch never ended");
    let version: Value = client.get().abs_path("/version").into_json().await.unwrap();
    assert!(version["gitVersion"].is_string());
}

#[tokio::test]
async fn retry_after_is_capped_and_bounded_by_the_timeout() {
    let (url, connections) = hostile_server(Hostile::RetryAfter("100000")).await;
    let client = client(&url);

    // With a timeout, a wait that would pass it is not started: the 429 comes back.
    let started = Instant::now();
    let error = client
        .get()
        .abs_path("/version")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap_err();
    assert!(error.is_too_many_requests(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // The same for a watch: it does not hang past its timeout.
    let started = Instant::now();
    let error = client
        .get()
        .group_version("", "v1")
        .resource("configmaps")
        .timeout(Duration::from_secs(5))
        .watch::<Value>()
        .await
        .err()
        .expect("a 429 watch is an error");
    assert!(error.is_too_many_requests(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Without a timeout the wait is capped at MAX_RETRY_AFTER (10 s), not 27 hours.
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        client.get().abs_path("/version").max_retries(1).send(),
    )
    .await
    .expect("Retry-After: 100000 was waited for");
    let took = started.elapsed();
    assert!(
        outcome
            .unwrap()
            .into_bytes()
            .unwrap_err()
            .is_too_many_requests()
    );
    assert!(took >= clientgo_rest::MAX_RETRY_AFTER, "{took:?}");
}

#[tokio::test]
async fn huge_watch_events_end_the_stream_with_a_typed_error() {
    let (url, _) = hostile_server(Hostile::EndlessBody).await;
    for (limit, expected) in [
        (Some(1 << 20), 1 << 20),
        (None, clientgo_rest::DEFAULT_MAX_WATCH_FRAME_BYTES),
    ] {
        let mut config = Config {
            qps: -1.0,
            ..Config::new(&url)
        };
        if let Some(limit) = limit {
            config.limits.max_watch_frame_bytes = limit;
        }
        let client = RestClient::new(&config).unwrap();
        let mut stream = watch(&client).await.unwrap();
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(
            matches!(error, Error::TooLarge { what: "watch event", limit } if limit == expected),
            "{error:?}"
        );
        assert!(stream.next().await.is_none());
    }
}

/// Objects of the hostile protobuf answers decode as `ObjectMeta` messages.
const OBJECT: clientgo_rest::ProtobufDecoder<ObjectMeta> = protobuf::decode_object::<ObjectMeta>;

#[tokio::test]
async fn hostile_protobuf_answers_get_typed_errors() {
    let watch_of = |body: Vec<u8>| async move {
        let (url, _) = hostile_server(Hostile::Protobuf(
            "application/vnd.kubernetes.protobuf;stream=watch",
            Arc::new(body),
        ))
        .await;
        let mut config = Config {
            qps: -1.0,
            ..Config::new(&url)
        };
        config.limits.max_watch_frame_bytes = 1 << 20;
        RestClient::new(&config)
            .unwrap()
            .get()
            .abs_path("/api/v1/configmaps")
            .watch_objects(Some(OBJECT))
            .await
            .unwrap()
    };
    // A frame declaring 4 GiB is refused before anything is buffered.
    let mut stream = watch_of(vec![0xff, 0xff, 0xff, 0xff, 1, 2, 3]).await;
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, Error::TooLarge { what: "watch event", limit } if limit == 1 << 20),
        "{error:?}"
    );
    assert!(stream.next().await.is_none());
    // A frame cut off by the end of the body.
    let mut stream = watch_of(vec![0, 0, 0, 50, 0x0a, 5, b'A']).await;
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Stream(_)), "{error:?}");
    // Garbage inside a complete frame: a decode error, and the stream goes on.
    let mut body = vec![0, 0, 0, 3, 0x0a, 0x7f, 0x01];
    body.extend([0, 0, 0, 2, 0x0b, 0x00]);
    let mut stream = watch_of(body).await;
    for _ in 0..2 {
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
    assert!(stream.next().await.is_none());

    // A single object that is not a Kubernetes protobuf message.
    for body in [b"k8s\0\x0a\xff".to_vec(), b"{}".to_vec(), Vec::new()] {
        let (url, _) = hostile_server(Hostile::Protobuf(
            "application/vnd.kubernetes.protobuf",
            Arc::new(body),
        ))
        .await;
        let error = client(&url)
            .get()
            .abs_path("/api/v1/namespaces/default")
            .into_object(Some(OBJECT))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
    // A protobuf answer to a type without a protobuf decoder.
    let (url, _) = hostile_server(Hostile::Protobuf(
        "application/vnd.kubernetes.protobuf",
        Arc::new(b"k8s\0".to_vec()),
    ))
    .await;
    let error = client(&url)
        .get()
        .abs_path("/api/v1/namespaces/default")
        .into_object::<Value>(None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cannot decode"), "{error}");
}

#[tokio::test]
async fn endless_bodies_and_gzip_bombs_are_refused() {
    let limit = 8 << 20;
    let config = |url: &str| {
        let mut config = Config {
            qps: -1.0,
            ..Config::new(url)
        };
        config.limits.max_body_bytes = limit;
        RestClient::new(&config).unwrap()
    };

    let (url, _) = hostile_server(Hostile::EndlessBody).await;
    let error = get_pods(&config(&url)).await.unwrap_err();
    assert!(
        matches!(error, Error::TooLarge { what: "response body", limit: l } if l == limit),
        "{error:?}"
    );

    // 64 MiB of zeros, gzipped to about 64 KiB.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = Arc::new(encoder.finish().unwrap());
    assert!(bomb.len() < 1 << 20);
    let (url, _) = hostile_server(Hostile::Gzip(bomb)).await;
    let error = get_pods(&config(&url)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                what: "response body",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn bodies_arrive_whole_in_one_chunk_or_many() {
    let client = |url: &str| {
        RestClient::new(&Config {
            qps: -1.0,
            ..Config::new(url)
        })
        .unwrap()
    };
    // Small (one chunk) and 3 MB of varied text (decompressed in many chunks).
    let large: Vec<u8> = (0..3_000_000u32)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz"[(i * 7 % 26) as usize] ^ (i % 3) as u8)
        .collect();
    for original in [b"{\"kind\":\"Status\"}".to_vec(), large] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&original).unwrap();
        let (url, _) = hostile_server(Hostile::Gzip(Arc::new(encoder.finish().unwrap()))).await;
        let response = get_pods(&client(&url)).await.unwrap();
        assert_eq!(response.body().len(), original.len());
        assert!(response.body()[..] == original[..], "the body differs");
    }
}

#[tokio::test]
async fn envtest_only_watch_errors_from_credentials_and_proxies_are_returned() {
    let (_, proxy) = proxied_cluster().await;
    // A failing exec credential plugin.
    let mut config = Config::new(proxy.url());
    config.transport.tls.insecure = true;
    config.transport.exec = Some(clientgo_transport::exec::ExecConfig {
        command: "false".into(),
        args: vec![],
        env: vec![],
        api_version: "client.authentication.k8s.io/v1".into(),
        install_hint: None,
        provide_cluster_info: false,
        interactive_mode: Some(clientgo_transport::exec::InteractiveMode::Never),
        cluster: None,
    });
    let client = RestClient::new(&config).unwrap();
    let error = watch(&client)
        .await
        .err()
        .expect("a failing plugin is an error");
    assert!(error.to_string().contains("exec"), "{error}");

    // A proxy nobody listens on.
    let mut config = Config::new(proxy.url());
    config.transport.tls.insecure = true;
    config.transport.proxy = clientgo_transport::Proxy::Url(refused_url().await);
    let client = RestClient::new(&config).unwrap();
    let error = watch(&client)
        .await
        .err()
        .expect("a dead proxy is an error");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}
