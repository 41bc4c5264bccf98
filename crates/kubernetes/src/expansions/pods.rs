//! Pod expansions: logs, eviction, binding, ephemeral containers, resize.

use clientgo_api::core::v1::{Binding, Pod};
use clientgo_apimachinery::meta::{CreateOptions, QueryParams, UpdateOptions};
use clientgo_rest::{ByteStream, Request, Result};

use crate::Client;
use crate::client::required_name;

/// Options of a pod log request (the query of `GET pods/<name>/log`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodLogOptions {
    /// The container; required when the pod has more than one.
    pub container: Option<String>,
    /// Keep the stream open and follow new output.
    pub follow: bool,
    /// The log of the previous, terminated instance of the container.
    pub previous: bool,
    /// Only lines newer than this many seconds.
    pub since_seconds: Option<i64>,
    /// Only lines after this RFC 3339 time.
    pub since_time: Option<String>,
    /// Prefix each line with its RFC 3339 timestamp.
    pub timestamps: bool,
    /// Only the last lines.
    pub tail_lines: Option<i64>,
    /// Stop after this many bytes.
    pub limit_bytes: Option<i64>,
    /// Skip verifying the kubelet's serving certificate.
    pub insecure_skip_tls_verify_backend: bool,
}

impl QueryParams for PodLogOptions {
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(container) = &self.container {
            pairs.push(("container", container.clone()));
        }
        for (key, on) in [
            ("follow", self.follow),
            ("previous", self.previous),
            ("timestamps", self.timestamps),
            (
                "insecureSkipTLSVerifyBackend",
                self.insecure_skip_tls_verify_backend,
            ),
        ] {
            if on {
                pairs.push((key, "true".into()));
            }
        }
        for (key, value) in [
            ("sinceSeconds", self.since_seconds),
            ("tailLines", self.tail_lines),
            ("limitBytes", self.limit_bytes),
        ] {
            if let Some(value) = value {
                pairs.push((key, value.to_string()));
            }
        }
        if let Some(time) = &self.since_time {
            pairs.push(("sinceTime", time.clone()));
        }
        pairs
    }
}

impl Client<Pod> {
    /// The log request of pod `name`: send it with `.stream()` to read as it comes
    /// (with `follow`), or use [`Client::logs`] for the whole text.
    pub fn log_request(&self, name: &str, options: &PodLogOptions) -> Request {
        let rest = self.requests().rest().get();
        self.requests().request(rest, Some(name), &["log"], options)
    }

    /// The log of pod `name` as text.
    pub async fn logs(&self, name: &str, options: &PodLogOptions) -> Result<String> {
        let bytes = self.log_request(name, options).send().await?.into_bytes()?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The log of pod `name` as a byte stream (set `follow` to keep it open).
    pub async fn log_stream(&self, name: &str, options: &PodLogOptions) -> Result<ByteStream> {
        self.log_request(name, options).stream().await
    }

    /// Evicts the pod named in `eviction` (policy/v1), honouring disruption budgets. A
    /// budget that forbids it fails at once with 429 Too Many Requests
    /// ([`ApiStatus::is_too_many_requests`](clientgo_rest::ApiStatus::is_too_many_requests)):
    /// unlike other requests this one is not retried after the server's `Retry-After`,
    /// so the caller decides when to try again (as `kubectl drain` does).
    #[cfg(feature = "policy")]
    pub async fn evict(&self, eviction: &clientgo_api::policy::v1::Eviction) -> Result<()> {
        let name = required_name(eviction)?;
        let post = self.requests().rest().post();
        self.requests()
            .request(post, Some(name), &["eviction"], &CreateOptions::default())
            .json(eviction)
            .max_retries(0)
            .send()
            .await?
            .into_bytes()
            .map(drop)
    }

    /// Binds the pod named in `binding` to `binding.target` (a node), as a scheduler
    /// does.
    pub async fn bind(&self, binding: &Binding, options: &CreateOptions) -> Result<()> {
        let name = required_name(binding)?;
        self.requests()
            .create::<_, serde_json::Value>(Some(name), binding, options, &["binding"])
            .await
            .map(drop)
    }

    /// Replaces the ephemeral containers of `pod` (the `ephemeralcontainers`
    /// subresource; debug containers are added this way).
    pub async fn update_ephemeral_containers(
        &self,
        pod: &Pod,
        options: &UpdateOptions,
    ) -> Result<Pod> {
        let name = required_name(pod)?;
        self.requests()
            .update(name, pod, options, &["ephemeralcontainers"])
            .await
    }

    /// Changes the container resources of `pod` in place (the `resize` subresource).
    pub async fn update_resize(&self, pod: &Pod, options: &UpdateOptions) -> Result<Pod> {
        let name = required_name(pod)?;
        self.requests()
            .update(name, pod, options, &["resize"])
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_options_become_the_query() {
        let options = PodLogOptions {
            container: Some("app".into()),
            follow: true,
            tail_lines: Some(10),
            since_seconds: Some(60),
            ..PodLogOptions::default()
        };
        assert_eq!(
            options.query_pairs(),
            vec![
                ("container", "app".to_string()),
                ("follow", "true".into()),
                ("sinceSeconds", "60".into()),
                ("tailLines", "10".into()),
            ]
        );
        assert!(PodLogOptions::default().query_pairs().is_empty());
    }
}
