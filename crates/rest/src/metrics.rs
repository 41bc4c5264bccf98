//! Hooks for request metrics (client-go's `tools/metrics`): install one
//! [`RequestMetrics`] for the process and every client reports to it.
//!
//! URLs are reported as templates (`/api/v1/namespaces/{namespace}/pods/{name}`) so
//! that metric labels stay few.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Receives measurements of requests. Every method has an empty default.
pub trait RequestMetrics: Send + Sync {
    /// The whole request, retries included.
    fn request_latency(&self, _verb: &str, _url_template: &str, _latency: Duration) {}
    /// Time spent waiting for the client-side rate limiter.
    fn rate_limiter_latency(&self, _verb: &str, _url_template: &str, _wait: Duration) {}
    /// One attempt's outcome: the status code, or `<error>` when nothing was received.
    fn request_result(&self, _code: &str, _verb: &str, _host: &str) {}
    /// An attempt after the first.
    fn request_retry(&self, _code: &str, _verb: &str, _host: &str) {}
}

static METRICS: OnceLock<Arc<dyn RequestMetrics>> = OnceLock::new();

/// Installs `metrics` for the whole process. Only the first call has an effect (as in
/// client-go); returns whether this call installed it.
pub fn register_metrics(metrics: Arc<dyn RequestMetrics>) -> bool {
    METRICS.set(metrics).is_ok()
}

/// The installed metrics, if any.
pub(crate) fn metrics() -> Option<&'static Arc<dyn RequestMetrics>> {
    METRICS.get()
}

/// The path of `path` with namespace and object names replaced by `{namespace}` and
/// `{name}`, for metric labels. Built only when metrics are installed.
pub(crate) fn url_template(path: &str) -> String {
    fn push(out: &mut String, segment: &str) {
        out.push('/');
        out.push_str(segment);
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // Where the resource part starts: after /api/<v> or /apis/<g>/<v>.
    let start = match segments.first() {
        Some(&"api") => 2,
        Some(&"apis") => 3,
        Some(_) => return "/{prefix}".to_owned(),
        None => return "/".to_owned(),
    };
    let mut out = String::with_capacity(path.len() + "{namespace}{name}".len());
    for segment in segments.iter().take(start) {
        push(&mut out, segment);
    }
    let mut rest = segments.get(start..).unwrap_or_default();
    if rest.len() > 2 && rest[0] == "namespaces" {
        push(&mut out, "namespaces");
        push(&mut out, "{namespace}");
        rest = &rest[2..];
    }
    if let Some((resource, after)) = rest.split_first() {
        push(&mut out, resource);
        if let Some((_, after_name)) = after.split_first() {
            push(&mut out, "{name}");
            for segment in after_name {
                push(&mut out, segment);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_template;

    #[test]
    fn names_and_namespaces_become_placeholders() {
        let cases = [
            (
                "/api/v1/namespaces/prod/pods/web-1",
                "/api/v1/namespaces/{namespace}/pods/{name}",
            ),
            (
                "/api/v1/namespaces/prod/pods",
                "/api/v1/namespaces/{namespace}/pods",
            ),
            ("/api/v1/namespaces", "/api/v1/namespaces"),
            (
                "/api/v1/namespaces/kube-system",
                "/api/v1/namespaces/{name}",
            ),
            (
                "/apis/apps/v1/namespaces/a/deployments/b/scale",
                "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
            ),
            ("/apis/apps/v1/deployments", "/apis/apps/v1/deployments"),
            ("/version", "/{prefix}"),
            ("/", "/"),
            ("/api", "/api"),
            ("/apis/apps", "/apis/apps"),
        ];
        for (path, expected) in cases {
            assert_eq!(url_template(path), expected, "{path}");
        }
    }
}
