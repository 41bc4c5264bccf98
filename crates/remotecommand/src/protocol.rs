//! The exec/attach wire protocol: subprotocol versions, stream types, channel ids, the
//! resize message and the error stream's meaning in each version (client-go's
//! `remotecommand` v1–v5 handlers and `apimachinery/pkg/util/remotecommand`).
//!
//! Rules, as client-go has them:
//! - v1: any text on the error stream is an error ("Error executing remote command").
//! - v2, v3: the same, with the lower-case prefix; an empty error stream is success.
//! - v4, v5: the error stream carries a JSON `Status`; `NonZeroExitCode` with an
//!   `ExitCode` cause is an exit code (0–255), other failures carry the server's message.
//! - v3 and later send terminal sizes as `{"Width":w,"Height":h}` on the resize stream.
//! - v5 adds the close signal: a message `[255, channel]` half-closes stdin.

use clientgo_apimachinery::errors::StatusError;
use clientgo_apimachinery::meta::Status;

use crate::error::{Error, ExitCodeError};

/// `v5.channel.k8s.io`: v4 plus closing stdin (WebSocket only).
pub const V5: &str = "v5.channel.k8s.io";
/// `v4.channel.k8s.io`: v3 plus a `Status` on the error stream (exit codes).
pub const V4: &str = "v4.channel.k8s.io";
/// `v3.channel.k8s.io`: v2 plus terminal resizes.
pub const V3: &str = "v3.channel.k8s.io";
/// `v2.channel.k8s.io`: stdin half-close, error stream text.
pub const V2: &str = "v2.channel.k8s.io";
/// `channel.k8s.io`: the first version.
pub const V1: &str = "channel.k8s.io";

/// The reason of a `Status` reporting a non-zero exit code.
pub const NON_ZERO_EXIT_CODE_REASON: &str = "NonZeroExitCode";
/// The cause type carrying the exit code in that `Status`.
pub const EXIT_CODE_CAUSE_TYPE: &str = "ExitCode";

/// A version of the exec/attach protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `channel.k8s.io`.
    V1,
    /// `v2.channel.k8s.io`.
    V2,
    /// `v3.channel.k8s.io`.
    V3,
    /// `v4.channel.k8s.io`.
    V4,
    /// `v5.channel.k8s.io`.
    V5,
}

impl Version {
    /// Every version, newest first: what is offered over SPDY.
    pub const ALL: [Version; 5] = [
        Version::V5,
        Version::V4,
        Version::V3,
        Version::V2,
        Version::V1,
    ];

    /// The subprotocol name.
    pub fn name(self) -> &'static str {
        match self {
            Version::V1 => V1,
            Version::V2 => V2,
            Version::V3 => V3,
            Version::V4 => V4,
            Version::V5 => V5,
        }
    }

    /// The version a server chose; an empty choice (an old server) means v1, an unknown
    /// name `None`.
    pub fn negotiated(name: &str) -> Option<Version> {
        match name {
            "" | V1 => Some(Version::V1),
            V2 => Some(Version::V2),
            V3 => Some(Version::V3),
            V4 => Some(Version::V4),
            V5 => Some(Version::V5),
            _ => None,
        }
    }

    /// Whether terminal sizes are sent.
    pub fn has_resize(self) -> bool {
        self >= Version::V3
    }
}

/// The streams of an exec or attach session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamType {
    /// Local input to the process.
    Stdin,
    /// The process's output.
    Stdout,
    /// The process's error output (merged into stdout with a tty).
    Stderr,
    /// The outcome of the command.
    Error,
    /// Terminal sizes.
    Resize,
}

impl StreamType {
    /// The `streamType` header value (SPDY).
    pub fn header_value(self) -> &'static str {
        match self {
            StreamType::Stdin => "stdin",
            StreamType::Stdout => "stdout",
            StreamType::Stderr => "stderr",
            StreamType::Error => "error",
            StreamType::Resize => "resize",
        }
    }

    /// The channel id, the first byte of every WebSocket message.
    pub fn channel(self) -> u8 {
        match self {
            StreamType::Stdin => 0,
            StreamType::Stdout => 1,
            StreamType::Stderr => 2,
            StreamType::Error => 3,
            StreamType::Resize => 4,
        }
    }
}

/// The WebSocket channel id of the close signal (v5): `[255, channel]`.
pub const CLOSE_CHANNEL: u8 = 255;

/// The size of a terminal, in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TerminalSize {
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
}

impl TerminalSize {
    /// The resize message: `{"Width":w,"Height":h}` (Go's field names, capitalised).
    pub fn message(self) -> Vec<u8> {
        format!(r#"{{"Width":{},"Height":{}}}"#, self.width, self.height).into_bytes()
    }
}

/// What the whole error stream of a session means in `version`: `Ok` for success.
pub fn decode_error_stream(version: Version, message: &[u8]) -> Result<(), Error> {
    if message.is_empty() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(message);
    match version {
        Version::V1 => Err(Error::Remote(format!(
            "Error executing remote command: {text}"
        ))),
        Version::V2 | Version::V3 => Err(Error::Remote(format!(
            "error executing remote command: {text}"
        ))),
        Version::V4 | Version::V5 => decode_status(message),
    }
}

/// The v4 error stream: a JSON `Status`.
fn decode_status(message: &[u8]) -> Result<(), Error> {
    let protocol = |detail: String| Err(Error::Protocol(detail));
    let status: Status = match serde_json::from_slice(message) {
        Ok(status) => status,
        Err(error) => {
            let text = String::from_utf8_lossy(message);
            return protocol(format!("{error} in {text:?}"));
        }
    };
    if status.is_success() {
        return Ok(());
    }
    if !status.is_failure() {
        return protocol("unknown error".into());
    }
    if status.reason.as_str() != NON_ZERO_EXIT_CODE_REASON {
        return Err(Error::Status(StatusError::from(status)));
    }
    let Some(details) = &status.details else {
        return protocol("details must be set".into());
    };
    let Some(cause) = details
        .causes
        .iter()
        .find(|c| c.cause_type.as_deref() == Some(EXIT_CODE_CAUSE_TYPE))
    else {
        return protocol(format!("no {EXIT_CODE_CAUSE_TYPE} cause given"));
    };
    let text = cause.message.as_deref().unwrap_or_default();
    match text.parse::<u8>() {
        // Go parses an unsigned 8-bit number: no sign, no spaces.
        Ok(code) if text.bytes().all(|b| b.is_ascii_digit()) => {
            Err(Error::ExitCode(ExitCodeError { code }))
        }
        _ => protocol(format!("invalid exit code value {text:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// client-go's `TestV4ErrorDecoder` table, plus the edges of the exit-code range.
    #[test]
    fn v4_error_stream_table() {
        let table: &[(&str, &str)] = &[
            ("{}", "error stream protocol error: unknown error"),
            ("{", "in \"{\""),
            (r#"{"status": "Success" }"#, ""),
            (r#"{"status": "Failure", "message": "foobar" }"#, "foobar"),
            (
                r#"{"status": "Failure", "message": "foobar", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "foo"}] } }"#,
                "error stream protocol error: no ExitCode cause given",
            ),
            (
                r#"{"status": "Failure", "message": "foobar", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode"}] } }"#,
                "error stream protocol error: invalid exit code value \"\"",
            ),
            (
                r#"{"status": "Failure", "message": "foobar", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "42"}] } }"#,
                "command terminated with exit code 42",
            ),
            (
                r#"{"status": "Failure", "reason": "NonZeroExitCode"}"#,
                "error stream protocol error: details must be set",
            ),
            (
                r#"{"status": "Failure", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "255"}]}}"#,
                "command terminated with exit code 255",
            ),
            (
                r#"{"status": "Failure", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "256"}]}}"#,
                "error stream protocol error: invalid exit code value \"256\"",
            ),
            (
                r#"{"status": "Failure", "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "+3"}]}}"#,
                "error stream protocol error: invalid exit code value \"+3\"",
            ),
            (
                r#"{"status": "Weird"}"#,
                "error stream protocol error: unknown error",
            ),
        ];
        for (message, want) in table {
            let got = match decode_error_stream(Version::V4, message.as_bytes()) {
                Ok(()) => String::new(),
                Err(error) => error.to_string(),
            };
            if want.is_empty() {
                assert_eq!(got, "", "message {message}");
            } else {
                assert!(
                    got.contains(want),
                    "message {message}: got {got:?}, want {want:?}"
                );
            }
        }
    }

    #[test]
    fn exit_codes_are_typed() {
        let message = r#"{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#;
        let error = decode_error_stream(Version::V5, message.as_bytes()).unwrap_err();
        assert_eq!(error.exit_code(), Some(3));
        let other = decode_error_stream(
            Version::V4,
            br#"{"status":"Failure","message":"container not found","reason":"NotFound","code":404}"#,
        )
        .unwrap_err();
        assert_eq!(other.exit_code(), None);
        assert!(clientgo_apimachinery::errors::is_not_found(&other));
    }

    #[test]
    fn older_versions_report_text() {
        assert_eq!(decode_error_stream(Version::V2, b"").ok(), Some(()));
        assert_eq!(
            decode_error_stream(Version::V2, b"boom")
                .unwrap_err()
                .to_string(),
            "error executing remote command: boom"
        );
        assert_eq!(
            decode_error_stream(Version::V1, b"boom")
                .unwrap_err()
                .to_string(),
            "Error executing remote command: boom"
        );
    }

    #[test]
    fn resize_message_uses_go_field_names() {
        let size = TerminalSize {
            width: 80,
            height: 24,
        };
        assert_eq!(size.message(), br#"{"Width":80,"Height":24}"#);
    }

    #[test]
    fn negotiated_versions() {
        assert_eq!(Version::negotiated(""), Some(Version::V1));
        assert_eq!(Version::negotiated(V5), Some(Version::V5));
        assert_eq!(Version::negotiated("v9.channel.k8s.io"), None);
        assert!(Version::V3.has_resize() && !Version::V2.has_resize());
    }
}
