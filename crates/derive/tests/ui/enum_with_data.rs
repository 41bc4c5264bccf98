use clientgo_api::StructuralSchema;

#[derive(StructuralSchema, serde::Serialize)]
pub enum Shape {
    Circle { radius: f64 },
    Square(f64),
}

fn main() {}
