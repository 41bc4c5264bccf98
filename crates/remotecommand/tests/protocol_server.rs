//! The WebSocket executor against a local server that speaks the exec protocol the way
//! the kubelet does, and misbehaves on request: the cases a real server cannot be made
//! to produce (text messages, cut connections, odd subprotocols, silence).
//!
//! The command (the `command` query parameter) picks the behaviour.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose when the server misbehaves

use std::time::Duration;

use clientgo_remotecommand::{Error, ExecOptions, Executor, StreamOptions, Version};
use clientgo_rest::{Config, RestClient};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message};

const SUCCESS: &str = r#"{"metadata":{},"status":"Success"}"#;

fn exit_status(code: u8) -> String {
    format!(
        r#"{{"metadata":{{}},"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{{"causes":[{{"reason":"ExitCode","message":"{code}"}}]}}}}"#
    )
}

fn message(channel: u8, data: &[u8]) -> Message {
    let mut bytes = vec![channel];
    bytes.extend_from_slice(data);
    Message::Binary(Bytes::from(bytes))
}

/// Serves connections until the test ends; returns the server's URL.
async fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            tokio::spawn(serve(tcp));
        }
    });
    format!("http://{address}")
}

async fn serve(tcp: tokio::net::TcpStream) {
    let mut command = String::new();
    let mut offered = String::new();
    // The handshake callback's signature is tungstenite's.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
        let query = request.uri().query().unwrap_or_default();
        command = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("command="))
            .unwrap_or_default()
            .to_owned();
        offered = request
            .headers()
            .get("Sec-WebSocket-Protocol")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        if command == "forbidden" {
            let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" is forbidden: User \"eve\" cannot create resource \"pods/exec\"","reason":"Forbidden","code":403}"#;
            let mut refusal = ErrorResponse::new(Some(body.to_owned()));
            *refusal.status_mut() = 403.try_into().unwrap();
            refusal
                .headers_mut()
                .insert("Content-Type", "application/json".parse().unwrap());
            return Err(refusal);
        }
        let chosen = if command == "odd-protocol" {
            "v9.channel.k8s.io".to_owned()
        } else {
            offered
                .split(',')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        response
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", chosen.parse().unwrap());
        Ok(response)
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
        return;
    };
    match command.as_str() {
        // Echoes stdin to stdout until stdin is closed, then succeeds.
        "cat" => {
            while let Some(Ok(incoming)) = socket.next().await {
                let Message::Binary(data) = incoming else {
                    continue;
                };
                match data.as_ref() {
                    [0, rest @ ..] => socket.send(message(1, rest)).await.unwrap(),
                    [255, 0] => break,
                    _ => {}
                }
            }
            socket.send(message(3, SUCCESS.as_bytes())).await.unwrap();
            socket.close(None).await.unwrap();
        }
        "exit3" => {
            socket.send(message(1, b"out")).await.unwrap();
            socket.send(message(2, b"err")).await.unwrap();
            socket.send(message(9, b"nobody's")).await.unwrap();
            socket.send(Message::Binary(Bytes::new())).await.unwrap();
            socket
                .send(message(3, exit_status(3).as_bytes()))
                .await
                .unwrap();
            socket.close(None).await.unwrap();
        }
        "text" => {
            socket.send(Message::Text("hello".into())).await.unwrap();
            let _ = socket.next().await;
        }
        // Output, then the connection is cut without a close frame or a status.
        "cut" => {
            socket.send(message(1, b"partial")).await.unwrap();
            socket.flush().await.unwrap();
        }
        "abnormal-close" => {
            socket
                .close(Some(CloseFrame {
                    code: CloseCode::Error,
                    reason: "kubelet went away".into(),
                }))
                .await
                .unwrap();
        }
        // Answers pings, never ends: the caller's drop must end the session.
        _ => while socket.next().await.is_some() {},
    }
}

fn executor(url_base: &str, command: &str, stdin: bool) -> Executor {
    let config = Config::new(url_base);
    let client = RestClient::new(&config).unwrap();
    let url = ExecOptions::command([command])
        .stdin(stdin)
        .stdout(true)
        .stderr(true)
        .url(&client, "default", "web")
        .unwrap();
    Executor::websocket(&config, url).unwrap()
}

#[tokio::test]
async fn stdin_round_trips_byte_exact_and_is_closed_at_its_end() {
    let base = server().await;
    let input: Vec<u8> = (0..10_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut stdin = input.as_slice();
    let mut stdout = Vec::new();
    executor(&base, "cat", true)
        .stream(StreamOptions::new().stdin(&mut stdin).stdout(&mut stdout))
        .await
        .unwrap();
    assert_eq!(stdout.len(), input.len());
    assert!(stdout == input);
}

#[tokio::test]
async fn exit_code_is_typed_and_outputs_are_separated() {
    let base = server().await;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let error = executor(&base, "exit3", false)
        .stream(StreamOptions::new().stdout(&mut stdout).stderr(&mut stderr))
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), Some(3), "{error}");
    assert_eq!(error.to_string(), "command terminated with exit code 3");
    assert_eq!(
        (stdout.as_slice(), stderr.as_slice()),
        (&b"out"[..], &b"err"[..])
    );
}

#[tokio::test]
async fn a_refused_upgrade_is_typed_and_carries_the_status() {
    let base = server().await;
    let mut stdout = Vec::new();
    let error = executor(&base, "forbidden", false)
        .stream(StreamOptions::new().stdout(&mut stdout))
        .await
        .unwrap_err();
    assert!(error.is_upgrade_failure(), "{error:?}");
    assert!(
        clientgo_apimachinery::errors::is_forbidden(&error),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("cannot create resource \"pods/exec\""),
        "{error}"
    );
}

#[tokio::test]
async fn an_unoffered_subprotocol_is_refused() {
    let base = server().await;
    let mut stdout = Vec::new();
    let error = executor(&base, "odd-protocol", false)
        .stream(StreamOptions::new().stdout(&mut stdout))
        .await
        .unwrap_err();
    assert!(error.is_upgrade_failure(), "{error:?}");
    assert!(error.to_string().contains("invalid protocol"), "{error}");
}

#[tokio::test]
async fn a_cut_connection_is_an_error_not_a_success() {
    let base = server().await;
    for command in ["cut", "abnormal-close", "text"] {
        let mut stdout = Vec::new();
        let outcome = tokio::time::timeout(
            Duration::from_secs(20),
            executor(&base, command, false).stream(StreamOptions::new().stdout(&mut stdout)),
        )
        .await
        .expect("no hang");
        let error = outcome.expect_err(command);
        assert!(
            matches!(error, Error::Io { .. } | Error::Connection(_)),
            "{command}: {error:?}"
        );
    }
}

#[tokio::test]
async fn dropping_the_session_ends_it() {
    let base = server().await;
    let mut stdout = Vec::new();
    let outcome = tokio::time::timeout(
        Duration::from_millis(500),
        executor(&base, "silent", false).stream(StreamOptions::new().stdout(&mut stdout)),
    )
    .await;
    assert!(outcome.is_err(), "the silent session must still be running");
}

#[tokio::test]
async fn only_v5_is_offered_by_default_and_versions_can_be_chosen() {
    let base = server().await;
    let config = Config::new(&base);
    let client = RestClient::new(&config).unwrap();
    let url = ExecOptions::command(["exit3"])
        .stdout(true)
        .url(&client, "default", "web")
        .unwrap();
    let mut stdout = Vec::new();
    let error = Executor::websocket_for_versions(&config, url, &[Version::V4])
        .unwrap()
        .stream(StreamOptions::new().stdout(&mut stdout))
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), Some(3));
}
