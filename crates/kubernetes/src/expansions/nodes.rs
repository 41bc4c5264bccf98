//! Node expansions: status patches.

use clientgo_api::core::v1::Node;
use clientgo_apimachinery::meta::PatchOptions;
use clientgo_apimachinery::patch::PatchType;
use clientgo_rest::Result;

use crate::Client;

impl Client<Node> {
    /// Applies a strategic merge patch to the status of node `name` (as kubelets
    /// report conditions and capacity).
    pub async fn patch_status(&self, name: &str, patch: &[u8]) -> Result<Node> {
        self.requests()
            .patch(
                name,
                PatchType::StrategicMerge,
                patch,
                &PatchOptions::default(),
                &["status"],
            )
            .await
    }
}
