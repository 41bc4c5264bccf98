//! Service expansions: the proxy.

use clientgo_api::core::v1::Service;
use clientgo_rest::Request;

use crate::Client;

impl Client<Service> {
    /// A `GET` of `path` on service `name` through the API server's proxy (`scheme` and
    /// `port`, a port name or number, may be empty).
    pub fn proxy_get(
        &self,
        scheme: &str,
        name: &str,
        port: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> Request {
        self.proxy_request(scheme, name, port, path, params)
    }
}
