//! The `proxy` subresource of pods, services and nodes: requests forwarded by the API
//! server to the object's port.

use clientgo_apimachinery::Resource;
use clientgo_rest::Request;

use crate::Client;

/// The name segment of a proxy URL: `[scheme:]name[:port]`.
pub(crate) fn proxy_name(scheme: &str, name: &str, port: &str) -> String {
    let mut segment = String::new();
    if !scheme.is_empty() {
        segment.push_str(scheme);
        segment.push(':');
    }
    segment.push_str(name);
    if !port.is_empty() {
        segment.push(':');
        segment.push_str(port);
    }
    segment
}

/// Resources the API server proxies requests to: pods, services and nodes (their
/// kubelet).
pub trait Proxied: Resource {}

impl Proxied for clientgo_api::core::v1::Pod {}
impl Proxied for clientgo_api::core::v1::Service {}
impl Proxied for clientgo_api::core::v1::Node {}

impl<K: Proxied> Client<K> {
    /// A `GET` of `path` on object `name` through the API server's proxy (`scheme` and
    /// `port` may be empty; a service's port may be named). Send it with `.send()`,
    /// `.into_json()` or `.stream()`.
    pub fn proxy_get(
        &self,
        scheme: &str,
        name: &str,
        port: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> Request {
        let rest = self.requests().rest().get();
        self.requests()
            .request(rest, Some(&proxy_name(scheme, name, port)), &["proxy"], &())
            .suffix(path.split('/').filter(|s| !s.is_empty()))
            .params(params.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::proxy_name;

    #[test]
    fn proxy_names_carry_scheme_and_port_when_given() {
        assert_eq!(proxy_name("", "web", ""), "web");
        assert_eq!(proxy_name("https", "web", "8443"), "https:web:8443");
        assert_eq!(proxy_name("", "web", "http"), "web:http");
    }
}
