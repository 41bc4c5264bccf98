//! The derives through the facade: `client_go::CustomResource` with
//! `crate = "client_go::api"`, no direct dependency on `clientgo-api`.

#![allow(clippy::unwrap_used)]

use client_go::apimachinery::{Resource, StructuralSchema as _};
use client_go::{CustomResource, StructuralSchema};
use serde::{Deserialize, Serialize};

/// A widget.
#[derive(CustomResource, StructuralSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(
    group = "facade.example.com",
    version = "v1",
    kind = "Widget",
    namespaced,
    crate = "client_go::api"
)]
pub struct WidgetSpec {
    /// How big.
    pub size: i32,
}

#[test]
fn derives_work_through_the_facade() {
    assert_eq!(Widget::api_version(), "facade.example.com/v1");
    let crd = Widget::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("widgets.facade.example.com")
    );
    assert_eq!(
        WidgetSpec::schema()["required"],
        serde_json::json!(["size"])
    );
    let widget = Widget::new("w", WidgetSpec { size: 3 });
    assert_eq!(serde_json::to_value(&widget).unwrap()["kind"], "Widget");
}
