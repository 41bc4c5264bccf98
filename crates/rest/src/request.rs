//! [`Request`]: a builder for one API request (verb, namespace, resource, name,
//! subresource, query, body) that turns into a URL by pure code.

use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::client::RestClient;
use crate::error::{Error, Result};
use crate::url::{check_segment, go_duration};

/// client-go's default number of retries of one request.
pub const DEFAULT_MAX_RETRIES: u32 = 10;

/// Appends `/segment` to `path`, without the segment's own surrounding slashes; nothing
/// if the segment is empty.
fn push_segment(path: &mut String, segment: &str) {
    let segment = segment.trim_matches('/');
    if !segment.is_empty() {
        path.push('/');
        path.push_str(segment);
    }
}

/// One request to the API server, built step by step.
///
/// Builder mistakes (an invalid name, a namespace set twice...) are remembered and
/// returned when the request is sent, so calls can be chained without checking each.
///
/// ```no_run
/// # async fn run(client: clientgo_rest::RestClient) -> Result<(), clientgo_rest::Error> {
/// let body = client
///     .get()
///     .group_version("apps", "v1")
///     .namespace("default")
///     .resource("deployments")
///     .name("web")
///     .send()
///     .await?
///     .into_bytes()?;
/// # let _ = body; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) client: RestClient,
    pub(crate) method: Method,
    /// Path segments before the namespace, each after a `/` (`/api/v1`).
    prefix: String,
    group: String,
    abs_path: Option<String>,
    namespace: Option<String>,
    resource: Option<String>,
    name: Option<String>,
    subresource: Vec<String>,
    suffix: Vec<String>,
    params: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: u32,
    error: Option<Error>,
}

impl Request {
    pub(crate) fn new(client: RestClient, method: Method) -> Self {
        let timeout = client.timeout();
        let mut headers = HeaderMap::new();
        if let Some(accept) = client.accept() {
            headers.insert(reqwest::header::ACCEPT, accept.clone());
        }
        Self {
            client,
            method,
            prefix: String::new(),
            group: String::new(),
            abs_path: None,
            namespace: None,
            resource: None,
            name: None,
            subresource: Vec::new(),
            suffix: Vec::new(),
            params: Vec::new(),
            headers,
            body: None,
            timeout,
            max_retries: DEFAULT_MAX_RETRIES,
            error: None,
        }
    }

    fn fail(mut self, message: String) -> Self {
        if self.error.is_none() {
            self.error = Some(Error::Request(message));
        }
        self
    }

    fn check(self, kind: &str, value: &str) -> Self {
        match check_segment(kind, value) {
            Ok(()) => self,
            Err(Error::Request(message)) => self.fail(message),
            Err(other) => self.fail(other.to_string()),
        }
    }

    /// The API group and version: `/api/v1` for the core group (`""`), else
    /// `/apis/<group>/<version>`.
    pub fn group_version(mut self, group: &str, version: &str) -> Self {
        self.group = group.to_string();
        self.prefix.clear();
        if group.is_empty() {
            push_segment(&mut self.prefix, "api");
        } else {
            push_segment(&mut self.prefix, "apis");
            push_segment(&mut self.prefix, group);
        }
        push_segment(&mut self.prefix, version);
        self
    }

    /// Appends segments to the path prefix.
    pub fn prefix<I: IntoIterator<Item = S>, S: Into<String>>(mut self, segments: I) -> Self {
        for segment in segments {
            push_segment(&mut self.prefix, &segment.into());
        }
        self
    }

    /// Uses `path` (e.g. `/version`, `/readyz`) below the server's base path instead of
    /// the resource layout.
    pub fn abs_path(mut self, path: &str) -> Self {
        self.abs_path = Some(path.trim_start_matches('/').to_string());
        self
    }

    /// The namespace (set once).
    pub fn namespace(self, namespace: &str) -> Self {
        if self.error.is_some() {
            return self;
        }
        if let Some(existing) = &self.namespace {
            let message =
                format!("namespace already set to {existing:?}, cannot change to {namespace:?}");
            return self.fail(message);
        }
        let mut this = self.check("namespace", namespace);
        this.namespace = Some(namespace.to_string());
        this
    }

    /// The namespace if `namespaced`, else nothing (for code generic over the scope).
    pub fn namespace_if(self, namespace: Option<&str>) -> Self {
        match namespace {
            Some(namespace) => self.namespace(namespace),
            None => self,
        }
    }

    /// The resource, e.g. `pods` (set once; lower-cased).
    pub fn resource(self, resource: &str) -> Self {
        if self.error.is_some() {
            return self;
        }
        if let Some(existing) = &self.resource {
            let message =
                format!("resource already set to {existing:?}, cannot change to {resource:?}");
            return self.fail(message);
        }
        let mut this = self.check("resource", resource);
        this.resource = Some(resource.to_lowercase());
        this
    }

    /// The object's name (set once; not empty).
    pub fn name(self, name: &str) -> Self {
        if self.error.is_some() {
            return self;
        }
        if name.is_empty() {
            return self.fail("resource name may not be empty".into());
        }
        if let Some(existing) = &self.name {
            let message =
                format!("resource name already set to {existing:?}, cannot change to {name:?}");
            return self.fail(message);
        }
        let mut this = self.check("resource name", name);
        this.name = Some(name.to_string());
        this
    }

    /// The subresource, e.g. `status` or `scale` (set once).
    pub fn subresource(mut self, parts: &[&str]) -> Self {
        if self.error.is_some() {
            return self;
        }
        if !self.subresource.is_empty() {
            let message = format!(
                "subresource already set to {:?}",
                self.subresource.join("/")
            );
            return self.fail(message);
        }
        for part in parts {
            self = self.check("subresource", part);
        }
        self.subresource = parts.iter().map(|p| p.to_string()).collect();
        self
    }

    /// Segments after name and subresource (e.g. a proxy path).
    pub fn suffix<I: IntoIterator<Item = S>, S: Into<String>>(mut self, segments: I) -> Self {
        self.suffix.extend(segments.into_iter().map(Into::into));
        self
    }

    /// Adds a query parameter (repeatable).
    pub fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.push((name.to_string(), value.into()));
        self
    }

    /// Adds query parameters, e.g. from list options.
    pub fn params<I, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.params
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets a header, replacing earlier values.
    pub fn header(self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => self.header_value(name, value),
            _ => self.fail(format!("invalid header {name:?}")),
        }
    }

    /// Sets a header from a ready value (a static one costs no allocation).
    pub(crate) fn header_value(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// A body of `content_type`.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        self.body = Some(body.into());
        self.header(CONTENT_TYPE.as_str(), content_type)
    }

    /// `value` encoded as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body(bytes, "application/json"),
            Err(error) => self.fail(format!("encoding the request body: {error}")),
        }
    }

    /// Timeout of this request (also sent as `timeout=` so the server stops too).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How often the request is retried after `Retry-After` answers or, for GETs,
    /// broken connections (default [`DEFAULT_MAX_RETRIES`]; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The URL this request goes to.
    pub fn url(&self) -> Result<Url> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let mut url = self.client.base_url().clone();
        let mut path = url.path().trim_end_matches('/').to_string();
        match &self.abs_path {
            Some(abs) => push_segment(&mut path, abs),
            None => {
                path.push_str(&self.prefix);
                if let Some(namespace) = self.namespace.as_deref().filter(|n| !n.is_empty()) {
                    push_segment(&mut path, "namespaces");
                    push_segment(&mut path, namespace);
                }
                if let Some(resource) = &self.resource {
                    push_segment(&mut path, resource);
                }
                if let Some(name) = &self.name {
                    push_segment(&mut path, name);
                    for part in &self.subresource {
                        push_segment(&mut path, part);
                    }
                }
                for segment in &self.suffix {
                    push_segment(&mut path, segment);
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        url.set_path(&path);
        if !self.params.is_empty() || self.timeout.is_some() {
            let mut query = url.query_pairs_mut();
            query.extend_pairs(&self.params);
            if let Some(timeout) = self.timeout {
                query.append_pair("timeout", &go_duration(timeout));
            }
        }
        Ok(url)
    }

    /// What errors about this request, sent to `url`, name (taken from the request).
    pub(crate) fn summary(self, url: Url) -> crate::execute::RequestSummary {
        crate::execute::RequestSummary {
            verb: self.method,
            url,
            resource: self.resource.map(|resource| {
                clientgo_apimachinery::schema::GroupResource::new(self.group, resource)
            }),
            name: self.name.unwrap_or_default(),
        }
    }

    /// Checks done before sending: builder errors, and an explicitly empty namespace where
    /// the server would misread it.
    pub(crate) fn preflight(&self) -> Result<Url> {
        let url = self.url()?;
        if self.namespace.as_deref() == Some("") {
            if self.method == Method::POST {
                return Err(Error::Request(
                    "an empty namespace may not be set during creation".into(),
                ));
            }
            if self.name.is_some()
                && [Method::GET, Method::PUT, Method::DELETE].contains(&self.method)
            {
                return Err(Error::Request(
                    "an empty namespace may not be set when a resource name is provided".into(),
                ));
            }
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn client(host: &str) -> RestClient {
        RestClient::new(&Config::new(host)).unwrap()
    }

    #[test]
    fn orders_namespace_resource_name_subresource_and_suffix() {
        let request = client("http://localhost")
            .get()
            .group_version("apps", "v1")
            .resource("Deployments")
            .name("web")
            .namespace("prod")
            .subresource(&["scale"])
            .param("dryRun", "All");
        assert_eq!(
            request.url().unwrap().as_str(),
            "http://localhost/apis/apps/v1/namespaces/prod/deployments/web/scale?dryRun=All"
        );
        let core = client("http://localhost/prefix")
            .get()
            .group_version("", "v1")
            .resource("pods");
        assert_eq!(
            core.url().unwrap().as_str(),
            "http://localhost/prefix/api/v1/pods"
        );
        let proxy = client("http://localhost")
            .get()
            .group_version("", "v1")
            .namespace("ns")
            .resource("services")
            .name("svc:80")
            .subresource(&["proxy"])
            .suffix(["healthz"]);
        assert_eq!(
            proxy.url().unwrap().as_str(),
            "http://localhost/api/v1/namespaces/ns/services/svc:80/proxy/healthz"
        );
    }

    #[test]
    fn abs_paths_and_timeouts() {
        let request = client("https://h:6443")
            .get()
            .abs_path("/version")
            .timeout(Duration::from_secs(60));
        assert_eq!(
            request.url().unwrap().as_str(),
            "https://h:6443/version?timeout=1m0s"
        );
    }

    #[test]
    fn setting_twice_and_bad_segments_are_errors_kept_until_send() {
        let twice = client("http://h")
            .get()
            .namespace("a")
            .namespace("a")
            .name("x");
        assert!(
            twice
                .url()
                .unwrap_err()
                .to_string()
                .contains("namespace already set")
        );
        let bad = client("http://h").get().resource("pods").name("../etc");
        assert!(
            bad.url()
                .unwrap_err()
                .to_string()
                .contains("may not contain '/'")
        );
        let empty = client("http://h").get().name("");
        assert!(
            empty
                .url()
                .unwrap_err()
                .to_string()
                .contains("may not be empty")
        );
        // The first error wins.
        let first = client("http://h").get().name("").namespace("a/b");
        assert!(
            first
                .url()
                .unwrap_err()
                .to_string()
                .contains("may not be empty")
        );
    }

    #[test]
    fn empty_namespaces_are_refused_where_the_server_would_misread_them() {
        let create = client("http://h")
            .post()
            .group_version("", "v1")
            .namespace("")
            .resource("pods");
        assert!(
            create
                .preflight()
                .unwrap_err()
                .to_string()
                .contains("during creation")
        );
        let get = client("http://h")
            .get()
            .namespace("")
            .resource("pods")
            .name("p");
        assert!(
            get.preflight()
                .unwrap_err()
                .to_string()
                .contains("resource name is provided")
        );
        let list = client("http://h").get().namespace("").resource("pods");
        assert_eq!(list.preflight().unwrap().as_str(), "http://h/pods");
    }
}
