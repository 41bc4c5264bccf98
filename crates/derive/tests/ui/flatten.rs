use clientgo_api::StructuralSchema;

#[derive(StructuralSchema, serde::Serialize)]
pub struct Outer {
    #[serde(flatten)]
    pub inner: Inner,
}

#[derive(StructuralSchema, serde::Serialize)]
pub struct Inner {
    pub a: String,
}

fn main() {}
