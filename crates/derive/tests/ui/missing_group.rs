use clientgo_api::{CustomResource, StructuralSchema};

#[derive(CustomResource, StructuralSchema, Clone, Debug, serde::Serialize, serde::Deserialize)]
#[resource(version = "v1", kind = "Widget")]
pub struct WidgetSpec {
    pub size: i32,
}

fn main() {}
