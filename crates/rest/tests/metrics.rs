//! Request metrics: every attempt reports its result, retries are counted, and the
//! whole request's latency is reported once, under a URL template.
//!
//! A file of its own: metrics are installed once per process.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::sync::Arc;
use std::time::Duration;

use clientgo_rest::metrics::{RequestMetrics, register_metrics};
use clientgo_rest::{Config, RestClient};
use parking_lot::Mutex;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Default)]
struct Recorded {
    results: Mutex<Vec<String>>,
    retries: Mutex<Vec<String>>,
    latencies: Mutex<Vec<String>>,
    waits: Mutex<usize>,
}

impl RequestMetrics for Recorded {
    fn request_latency(&self, verb: &str, url_template: &str, _latency: Duration) {
        self.latencies.lock().push(format!("{verb} {url_template}"));
    }
    fn rate_limiter_latency(&self, _verb: &str, _url_template: &str, _wait: Duration) {
        *self.waits.lock() += 1;
    }
    fn request_result(&self, code: &str, verb: &str, _host: &str) {
        self.results.lock().push(format!("{verb} {code}"));
    }
    fn request_retry(&self, code: &str, verb: &str, _host: &str) {
        self.retries.lock().push(format!("{verb} {code}"));
    }
}

#[tokio::test]
async fn every_attempt_and_retry_is_reported() {
    let recorded = Arc::new(Recorded::default());
    assert!(register_metrics(recorded.clone()));
    assert!(
        !register_metrics(Arc::new(Recorded::default())),
        "metrics were replaced"
    );

    // Two 503s with Retry-After: 0, then 200.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            loop {
                let mut saw = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.is_empty() {
                        break;
                    }
                    saw = true;
                }
                if !saw {
                    break;
                }
                served += 1;
                let answer = if served <= 2 {
                    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n"
                } else {
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
                };
                write.write_all(answer.as_bytes()).await.unwrap();
            }
        }
    });
    let client = RestClient::new(&Config::new(&url)).unwrap();
    client
        .get()
        .group_version("", "v1")
        .namespace("prod")
        .resource("pods")
        .name("web-1")
        .send()
        .await
        .unwrap();
    assert_eq!(*recorded.results.lock(), ["GET 503", "GET 503", "GET 200"]);
    assert_eq!(*recorded.retries.lock(), ["GET 503", "GET 200"]);
    assert_eq!(
        *recorded.latencies.lock(),
        ["GET /api/v1/namespaces/{namespace}/pods/{name}"]
    );
    assert_eq!(
        *recorded.waits.lock(),
        3,
        "each attempt waits for the rate limiter"
    );
}
