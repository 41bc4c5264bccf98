//! Service-account expansions: token requests.

use clientgo_api::authentication::v1::TokenRequest;
use clientgo_api::core::v1::ServiceAccount;
use clientgo_apimachinery::meta::CreateOptions;
use clientgo_rest::Result;

use crate::Client;

impl Client<ServiceAccount> {
    /// Requests a token for service account `name` (the `token` subresource): the
    /// answer's `status.token` holds it, bound to the audiences, expiry and object of
    /// `request.spec`.
    pub async fn create_token(
        &self,
        name: &str,
        request: &TokenRequest,
        options: &CreateOptions,
    ) -> Result<TokenRequest> {
        self.requests()
            .create(Some(name), request, options, &["token"])
            .await
    }
}
