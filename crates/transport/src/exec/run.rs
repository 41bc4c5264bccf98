//! Running the plugin and checking what it prints.

use std::io::IsTerminal;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use parking_lot::Mutex;
use rustls::sign::CertifiedKey;

use super::config::{
    EXEC_API_VERSIONS, ExecConfig, ExecCredentialInput, ExecCredentialOutput, InputSpec,
    InteractiveMode,
};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::tls::certified_key;
use clientgo_apimachinery::meta::Time;

/// What one successful run produced.
pub(super) struct Output {
    pub(super) token: Option<Secret>,
    pub(super) expiry: Option<SystemTime>,
    /// The certificate PEM and the parsed identity.
    pub(super) identity: Option<(Vec<u8>, CertifiedKey)>,
}

/// Checks a configuration before it is used.
pub(super) fn validate(config: &ExecConfig) -> Result<()> {
    if !EXEC_API_VERSIONS.contains(&config.api_version.as_str()) {
        return Err(Error::Exec(format!(
            "exec plugin: invalid apiVersion {:?} (expected one of {EXEC_API_VERSIONS:?})",
            config.api_version
        )));
    }
    if config.command.is_empty() {
        return Err(Error::Exec("exec plugin: command must be specified".into()));
    }
    Ok(())
}

/// Limits the long "plugin not found" help to 10 times an hour.
#[derive(Debug, Default)]
pub(super) struct HintLimiter {
    shown: Vec<Instant>,
}

impl HintLimiter {
    fn allow(&mut self) -> bool {
        self.shown
            .retain(|t| t.elapsed() < Duration::from_secs(3600));
        if self.shown.len() < 10 {
            self.shown.push(Instant::now());
            true
        } else {
            false
        }
    }
}

/// Decides whether the plugin gets the terminal.
fn interactive(mode: Option<InteractiveMode>, stdin_is_terminal: bool) -> Result<bool> {
    match mode {
        Some(InteractiveMode::Never) => Ok(false),
        Some(InteractiveMode::IfAvailable) => Ok(stdin_is_terminal),
        Some(InteractiveMode::Always) if stdin_is_terminal => Ok(true),
        Some(InteractiveMode::Always) => Err(Error::Exec(
            "interactive mode 'Always' requires a terminal: standard input is not a terminal"
                .into(),
        )),
        None => Err(Error::Exec("unknown interactiveMode: \"\"".into())),
    }
}

/// Runs the plugin once.
pub(super) async fn execute(config: &ExecConfig, hints: &Mutex<HintLimiter>) -> Result<Output> {
    let interactive = interactive(config.interactive_mode, std::io::stdin().is_terminal())?;
    let input = ExecCredentialInput {
        api_version: &config.api_version,
        kind: "ExecCredential",
        spec: InputSpec {
            cluster: config
                .cluster
                .as_ref()
                .filter(|_| config.provide_cluster_info),
            interactive,
        },
    };
    let exec_info = serde_json::to_string(&input).map_err(|e| Error::Exec(e.to_string()))?;
    let mut command = tokio::process::Command::new(&config.command);
    command
        .args(&config.args)
        .envs(config.env.iter().map(|v| (&v.name, &v.value)))
        .env("KUBERNETES_EXEC_INFO", exec_info)
        .stdin(if interactive {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let output = match command.output().await {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut message = format!("executable {} not found", config.command);
            if hints.lock().allow() {
                message.push_str(
                    "\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\n\
                     To learn more about this feature, consult the documentation available at:\n      \
                     https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins",
                );
                if let Some(hint) = config.install_hint.as_deref().filter(|h| !h.is_empty()) {
                    message.push_str("\n\n");
                    message.push_str(hint);
                }
            }
            return Err(Error::Exec(message));
        }
        Err(error) => return Err(Error::Exec(error.to_string())),
    };
    if !output.status.success() {
        let code = output
            .status
            .code()
            .map_or_else(|| output.status.to_string(), |c| c.to_string());
        return Err(Error::Exec(format!(
            "executable {} failed with exit code {code}",
            config.command
        )));
    }
    parse_output(config, &output.stdout)
}

/// Checks and decodes what the plugin printed.
fn parse_output(config: &ExecConfig, stdout: &[u8]) -> Result<Output> {
    // serde's messages quote the offending values, which may be credentials: name only
    // the kind of mistake and where it is.
    let decoded: ExecCredentialOutput = serde_json::from_slice(stdout).map_err(|e| {
        Error::Exec(format!(
            "decoding stdout of {}: {} error at line {} column {}",
            config.command,
            match e.classify() {
                serde_json::error::Category::Io => "read",
                serde_json::error::Category::Syntax => "syntax",
                serde_json::error::Category::Data => "type",
                serde_json::error::Category::Eof => "unexpected end of input",
            },
            e.line(),
            e.column()
        ))
    })?;
    if decoded.api_version != config.api_version || decoded.kind != "ExecCredential" {
        return Err(Error::Exec(format!(
            "exec plugin is configured to use API version {}, plugin returned version {}",
            config.api_version, decoded.api_version
        )));
    }
    let status = decoded
        .status
        .ok_or_else(|| Error::Exec("exec plugin didn't return a status field".into()))?;
    let token = status.token.filter(|t| !t.is_empty()).map(Secret::new);
    let cert = status.client_certificate_data.filter(|c| !c.is_empty());
    let key = status.client_key_data.filter(|k| !k.is_empty());
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => {
            let parsed = certified_key(cert.as_bytes(), key.as_bytes()).map_err(|e| {
                Error::Exec(format!("exec plugin returned an unusable certificate: {e}"))
            })?;
            Some((cert.into_bytes(), parsed))
        }
        (None, None) => None,
        _ => {
            return Err(Error::Exec(
                "exec plugin returned only certificate or key, not both".into(),
            ));
        }
    };
    if token.is_none() && identity.is_none() {
        return Err(Error::Exec(
            "exec plugin didn't return a token or cert/key pair".into(),
        ));
    }
    let expiry = match status
        .expiration_timestamp
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        Some(text) => Some(
            Time::parse(text)
                .map(|time| time.to_system_time())
                .map_err(|_| {
                    Error::Exec("exec plugin returned an invalid expirationTimestamp".into())
                })?,
        ),
        None => None,
    };
    Ok(Output {
        token,
        expiry,
        identity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(api_version: &str) -> ExecConfig {
        ExecConfig {
            command: "plugin".into(),
            args: vec![],
            env: vec![],
            api_version: api_version.into(),
            install_hint: None,
            provide_cluster_info: false,
            interactive_mode: Some(InteractiveMode::Never),
            cluster: None,
        }
    }

    #[test]
    fn interactive_modes() {
        assert!(!interactive(Some(InteractiveMode::Never), true).unwrap());
        assert!(interactive(Some(InteractiveMode::IfAvailable), true).unwrap());
        assert!(!interactive(Some(InteractiveMode::IfAvailable), false).unwrap());
        assert!(interactive(Some(InteractiveMode::Always), true).unwrap());
        assert!(interactive(Some(InteractiveMode::Always), false).is_err());
        let missing = interactive(None, true).unwrap_err().to_string();
        assert!(missing.contains("unknown interactiveMode"), "{missing}");
    }

    #[test]
    fn output_must_match_the_configured_version_and_carry_credentials() {
        let v1 = config("client.authentication.k8s.io/v1");
        let ok = br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"abc","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#;
        let output = parse_output(&v1, ok).unwrap();
        assert_eq!(output.token.unwrap().expose(), "abc");
        assert!(output.expiry.is_some());

        let cases: [(&[u8], &str); 5] = [
            (br#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"a"}}"#, "plugin returned version"),
            (br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "didn't return a status field"),
            (br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}"#, "didn't return a token or cert/key pair"),
            (br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"x"}}"#, "only certificate or key"),
            (b"not json", "decoding stdout"),
        ];
        for (stdout, expected) in cases {
            let Err(error) = parse_output(&v1, stdout) else {
                panic!("{expected}: output accepted")
            };
            let error = error.to_string();
            assert!(
                error.contains(expected),
                "{error} does not mention {expected}"
            );
        }
    }

    #[test]
    fn decode_errors_never_quote_the_plugin_output() {
        let v1 = config("client.authentication.k8s.io/v1");
        for stdout in [
            &br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":"tok3n-s3cret"}"#[..],
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":["tok3n-s3cret"]}}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"a","expirationTimestamp":"tok3n-s3cret"}}"#,
            br#"{"status":{"token":"tok3n-s3cret"#,
        ] {
            let Err(error) = parse_output(&v1, stdout) else {
                panic!("output accepted")
            };
            assert!(!error.to_string().contains("tok3n-s3cret"), "{error}");
            assert!(!format!("{error:?}").contains("tok3n-s3cret"), "{error:?}");
        }
    }

    #[test]
    fn unknown_api_versions_are_refused() {
        assert!(validate(&config("client.authentication.k8s.io/v1alpha1")).is_err());
        assert!(validate(&config("client.authentication.k8s.io/v1beta1")).is_ok());
    }

    #[test]
    fn install_hints_are_limited_to_ten_an_hour() {
        let mut limiter = HintLimiter::default();
        assert_eq!((0..15).filter(|_| limiter.allow()).count(), 10);
    }
}
