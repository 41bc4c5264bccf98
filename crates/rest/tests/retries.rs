//! Retries and rate limiting, against a small local HTTP server that answers with
//! scripted statuses (the real API server cannot be made to answer 429 on demand).

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clientgo_rest::{ApiStatus, Config, RateLimiter, RestClient, TokenBucket};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Serves HTTP/1.1 on a loopback port: the first `failures` requests get `status` with
/// `Retry-After: 0`, later ones `200 {}`. Returns the URL and the request counter.
async fn scripted_server(failures: usize, status: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let served = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let served = Arc::clone(&served);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                loop {
                    // Read one request head (no bodies in these tests).
                    let mut saw_request = false;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if line.is_empty() {
                            break;
                        }
                        saw_request = true;
                    }
                    if !saw_request {
                        return;
                    }
                    let n = served.fetch_add(1, Ordering::SeqCst);
                    let answer = if n < failures {
                        format!("HTTP/1.1 {status}\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n")
                    } else {
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".to_string()
                    };
                    if write.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, count)
}

fn client(url: &str) -> RestClient {
    let config = Config {
        qps: -1.0,
        ..Config::new(url)
    };
    RestClient::new(&config).unwrap()
}

#[tokio::test]
async fn answers_with_retry_after_are_retried_until_success() {
    for status in [
        "429 Too Many Requests",
        "500 Internal Server Error",
        "503 Service Unavailable",
        "504 Gateway Timeout",
    ] {
        let (url, count) = scripted_server(3, status).await;
        let body = client(&url)
            .get()
            .abs_path("/x")
            .send()
            .await
            .unwrap()
            .into_bytes()
            .unwrap();
        assert_eq!(&body[..], b"{}");
        assert_eq!(count.load(Ordering::SeqCst), 4, "{status}");
    }
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_return_the_last_answer() {
    let (url, count) = scripted_server(usize::MAX, "429 Too Many Requests").await;
    let error = client(&url)
        .get()
        .abs_path("/x")
        .max_retries(2)
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap_err();
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "one attempt and two retries"
    );
    assert!(error.is_too_many_requests(), "{error}");
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let (url, count) = scripted_server(usize::MAX, "400 Bad Request").await;
    let error = client(&url)
        .get()
        .abs_path("/x")
        .send()
        .await
        .unwrap()
        .into_bytes()
        .unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(error.is_bad_request(), "{error}");
}

#[tokio::test]
async fn the_rate_limiter_grants_a_burst_then_qps() {
    // Counting grants, not time: a bucket of burst 3 grants 3 requests at once.
    let bucket = Arc::new(TokenBucket::new(1.0, 3));
    let immediate = (0..10).filter(|_| bucket.reserve().is_zero()).count();
    assert_eq!(immediate, 3);

    // Every request, retries included, asks the configured limiter first.
    let (url, count) = scripted_server(2, "503 Service Unavailable").await;
    let counter = Arc::new(CountingLimiter::default());
    let config = Config {
        rate_limiter: Some(counter.clone()),
        ..Config::new(&url)
    };
    let client = RestClient::new(&config).unwrap();
    for _ in 0..3 {
        client.get().abs_path("/x").send().await.unwrap();
    }
    assert_eq!(count.load(Ordering::SeqCst), 5);
    assert_eq!(counter.0.load(Ordering::SeqCst), 5);
}

/// Grants everything and counts the grants.
#[derive(Default)]
struct CountingLimiter(AtomicUsize);

impl RateLimiter for CountingLimiter {
    fn reserve(&self) -> std::time::Duration {
        self.0.fetch_add(1, Ordering::SeqCst);
        std::time::Duration::ZERO
    }
}
