//! Certificate signing request expansions: approval.

use clientgo_api::certificates::v1::CertificateSigningRequest;
use clientgo_apimachinery::meta::UpdateOptions;
use clientgo_rest::Result;

use crate::Client;
use crate::client::required_name;

impl Client<CertificateSigningRequest> {
    /// Replaces the approval conditions of `csr` (the `approval` subresource): add an
    /// `Approved` or `Denied` condition to `status.conditions` first.
    pub async fn update_approval(
        &self,
        csr: &CertificateSigningRequest,
        options: &UpdateOptions,
    ) -> Result<CertificateSigningRequest> {
        let name = required_name(csr)?;
        self.requests()
            .update(name, csr, options, &["approval"])
            .await
    }
}
