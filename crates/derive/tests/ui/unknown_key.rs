use clientgo_api::{CustomResource, StructuralSchema};

#[derive(CustomResource, StructuralSchema, Clone, Debug, serde::Serialize, serde::Deserialize)]
#[resource(group = "example.com", version = "v1", kind = "Widget", namespace)]
pub struct WidgetSpec {
    pub size: i32,
}

fn main() {}
