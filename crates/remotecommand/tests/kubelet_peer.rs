//! The executors against the kubelet's own streaming code (k8s.io/cri-streaming, a Go
//! peer with a fake container runtime): exit codes as the kubelet reports them, which
//! KWOK's exec cannot produce, over SPDY and WebSocket.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use clientgo_remotecommand::{ExecOptions, Executor, StreamOptions, Version};
use clientgo_rest::{Config, RestClient};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn peer_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kubelet_peer");
        let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubelet_peer");
        clientgo_envtest::build_go_program(&source, &binary).expect("building the kubelet peer");
        binary
    })
}

/// A running peer (killed on drop) and its base URL.
struct Peer {
    _child: Child,
    url: String,
}

async fn peer() -> Peer {
    let mut child = Command::new(peer_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines.next_line().await.unwrap().unwrap();
    Peer {
        _child: child,
        url: format!("http://{address}"),
    }
}

fn executors(peer: &Peer, options: &ExecOptions) -> Vec<(&'static str, Executor)> {
    let config = Config::new(&peer.url);
    let url = options
        .url(&RestClient::new(&config).unwrap(), "default", "web")
        .unwrap();
    vec![
        (
            "spdy",
            Executor::spdy(&config, reqwest::Method::POST, url.clone()).unwrap(),
        ),
        (
            "websocket v4",
            Executor::websocket_for_versions(&config, url.clone(), &[Version::V4]).unwrap(),
        ),
    ]
}

#[tokio::test]
async fn exit_codes_are_typed_as_the_kubelet_reports_them() {
    let peer = peer().await;
    for code in [1u8, 3, 255] {
        let options = ExecOptions::command(["exit", &code.to_string()]).stdout(true);
        for (via, executor) in executors(&peer, &options) {
            let mut out = Vec::new();
            let error = executor
                .stream(StreamOptions::new().stdout(&mut out))
                .await
                .expect_err("a non-zero exit");
            assert_eq!(error.exit_code(), Some(code), "{via}: {error:?}");
            assert_eq!(
                error.to_string(),
                format!("command terminated with exit code {code}")
            );
            assert_eq!(out, b"before\n", "{via}");
        }
    }
}

#[tokio::test]
async fn exit_code_zero_is_success_and_other_failures_are_not_exit_codes() {
    let peer = peer().await;
    let ok = ExecOptions::command(["exit", "0"]).stdout(true);
    for (via, executor) in executors(&peer, &ok) {
        let mut out = Vec::new();
        executor
            .stream(StreamOptions::new().stdout(&mut out))
            .await
            .unwrap_or_else(|e| panic!("{via}: {e}"));
    }
    let fail = ExecOptions::command(["no-such-command"]).stdout(true);
    for (via, executor) in executors(&peer, &fail) {
        let mut out = Vec::new();
        let error = executor
            .stream(StreamOptions::new().stdout(&mut out))
            .await
            .expect_err("the command cannot start");
        assert_eq!(error.exit_code(), None, "{via}");
        assert!(
            clientgo_apimachinery::errors::is_internal_error(&error),
            "{via}: {error:?}"
        );
        assert!(
            error.to_string().contains("executable file not found"),
            "{via}: {error}"
        );
    }
}

/// Over SPDY only: the kubelet speaks WebSocket up to v4, which cannot close stdin
/// (v5's close signal exists for that; the API server translates it to SPDY).
#[tokio::test]
async fn stdin_reaches_the_kubelet_and_comes_back() {
    let peer = peer().await;
    let input: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let options = ExecOptions::command(["cat"]).stdin(true).stdout(true);
    for (via, executor) in executors(&peer, &options).into_iter().take(1) {
        let mut stdin = input.as_slice();
        let mut out = Vec::new();
        executor
            .stream(StreamOptions::new().stdin(&mut stdin).stdout(&mut out))
            .await
            .unwrap_or_else(|e| panic!("{via}: {e}"));
        assert!(
            out == input,
            "{via}: {} bytes back of {}",
            out.len(),
            input.len()
        );
    }
}
