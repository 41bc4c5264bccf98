use clientgo_api::CustomResource;

#[derive(CustomResource, Clone, Debug, serde::Serialize, serde::Deserialize)]
#[resource(group = "example.com", version = "v1", kind = "Widget")]
pub struct WidgetSpec {
    pub size: i32,
}

fn main() {}
