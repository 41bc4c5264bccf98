//! Namespace expansions: finalize.

use clientgo_api::core::v1::Namespace;
use clientgo_apimachinery::meta::UpdateOptions;
use clientgo_rest::Result;

use crate::Client;
use crate::client::required_name;

impl Client<Namespace> {
    /// Replaces `spec.finalizers` of `namespace` (the `finalize` subresource; a
    /// namespace whose finalizers are all gone finishes terminating).
    pub async fn finalize(
        &self,
        namespace: &Namespace,
        options: &UpdateOptions,
    ) -> Result<Namespace> {
        let name = required_name(namespace)?;
        self.requests()
            .update(name, namespace, options, &["finalize"])
            .await
    }
}
