//! The URL of a port-forward session.

use clientgo_rest::RestClient;
use url::Url;

use crate::error::Result;

/// The `pods/portforward` URL of pod `name` in `namespace` (the ports travel in the
/// stream headers, not in the URL).
pub fn url(client: &RestClient, namespace: &str, name: &str) -> Result<Url> {
    Ok(client
        .post()
        .group_version("", "v1")
        .namespace(namespace)
        .resource("pods")
        .name(name)
        .subresource(&["portforward"])
        .url()?)
}
