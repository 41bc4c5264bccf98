//! The URLs of exec and attach sessions (client-go builds them with the REST client and
//! `PodExecOptions` / `PodAttachOptions`).
//!
//! Rules: query parameters as the API server's parameter codec reads them: `container`
//! when set, one `command` per argument, and `stdin`, `stdout`, `stderr`, `tty` only when
//! true.

use clientgo_rest::RestClient;
use url::Url;

use crate::error::Result;

/// What to run and which streams to open: the `pods/exec` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOptions {
    /// The container (may be left out for single-container pods).
    pub container: Option<String>,
    /// The command and its arguments (not run through a shell).
    pub command: Vec<String>,
    /// Open the process's stdin.
    pub stdin: bool,
    /// Open the process's stdout.
    pub stdout: bool,
    /// Open the process's stderr.
    pub stderr: bool,
    /// Give the process a terminal.
    pub tty: bool,
}

impl ExecOptions {
    /// Options to run `command` with no stream open yet.
    pub fn command<I: IntoIterator<Item = S>, S: Into<String>>(command: I) -> Self {
        Self {
            command: command.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Runs in `container`.
    pub fn container(mut self, container: impl Into<String>) -> Self {
        self.container = Some(container.into());
        self
    }

    /// Opens stdin.
    pub fn stdin(mut self, on: bool) -> Self {
        self.stdin = on;
        self
    }

    /// Opens stdout.
    pub fn stdout(mut self, on: bool) -> Self {
        self.stdout = on;
        self
    }

    /// Opens stderr.
    pub fn stderr(mut self, on: bool) -> Self {
        self.stderr = on;
        self
    }

    /// Gives the process a terminal.
    pub fn tty(mut self, on: bool) -> Self {
        self.tty = on;
        self
    }

    /// The `pods/exec` URL for pod `name` in `namespace`.
    pub fn url(&self, client: &RestClient, namespace: &str, name: &str) -> Result<Url> {
        let mut params: Vec<(&str, &str)> = Vec::new();
        if let Some(container) = &self.container {
            params.push(("container", container));
        }
        for argument in &self.command {
            params.push(("command", argument));
        }
        streams(&mut params, self.stdin, self.stdout, self.stderr, self.tty);
        pod_url(client, namespace, name, "exec", &params)
    }
}

/// Which streams of a running container to attach to: the `pods/attach` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachOptions {
    /// The container (may be left out for single-container pods).
    pub container: Option<String>,
    /// Attach to the process's stdin.
    pub stdin: bool,
    /// Attach to the process's stdout.
    pub stdout: bool,
    /// Attach to the process's stderr.
    pub stderr: bool,
    /// The process has a terminal.
    pub tty: bool,
}

impl AttachOptions {
    /// The `pods/attach` URL for pod `name` in `namespace`.
    pub fn url(&self, client: &RestClient, namespace: &str, name: &str) -> Result<Url> {
        let mut params: Vec<(&str, &str)> = Vec::new();
        if let Some(container) = &self.container {
            params.push(("container", container));
        }
        streams(&mut params, self.stdin, self.stdout, self.stderr, self.tty);
        pod_url(client, namespace, name, "attach", &params)
    }
}

fn streams(params: &mut Vec<(&str, &str)>, stdin: bool, stdout: bool, stderr: bool, tty: bool) {
    for (name, on) in [
        ("stdin", stdin),
        ("stdout", stdout),
        ("stderr", stderr),
        ("tty", tty),
    ] {
        if on {
            params.push((name, "true"));
        }
    }
}

fn pod_url(
    client: &RestClient,
    namespace: &str,
    name: &str,
    subresource: &str,
    params: &[(&str, &str)],
) -> Result<Url> {
    Ok(client
        .post()
        .group_version("", "v1")
        .namespace(namespace)
        .resource("pods")
        .name(name)
        .subresource(&[subresource])
        .params(params.iter().copied())
        .url()?)
}
