//! How large the generated structs are inline, and which optional fields are stored
//! behind a `Box` because of it.
//!
//! Rules:
//! - An optional field (not `required`) whose generated struct would take more than
//!   [`LARGE_INLINE`] bytes inline is boxed, as Go keeps optional structs behind
//!   pointers: a `None` then costs 8 bytes instead of the struct's size. Most such
//!   fields are absent (a `Volume` has one source of thirty, a `Container` rarely all
//!   its probes), so caches shrink; a present one costs one allocation more.
//! - Required fields and the hand-written API machinery types stay inline.
//! - Sizes are estimated from the fields (pointers and lengths of 8 bytes, alignment to
//!   8), close to what rustc lays out; only the threshold decision depends on them.

use std::collections::BTreeMap;

use super::spec::{Model, Shape, Ty};

/// Optional structs larger than this are boxed.
pub const LARGE_INLINE: usize = 16;

/// Bytes of a type the estimate does not look into (the API machinery types).
const MACHINERY: usize = 32;

/// Marks the optional fields of large generated structs as boxed.
pub fn box_large_optional_fields(model: &mut Model) {
    let mut sizes = BTreeMap::new();
    let ids: Vec<String> = model.definitions.keys().cloned().collect();
    for id in &ids {
        struct_size(model, id, &mut sizes);
    }
    for def in model.definitions.values_mut() {
        if let Shape::Struct(fields) = &mut def.shape {
            for field in fields.iter_mut().filter(|f| !f.required) {
                if let Ty::Ref(target) = &field.ty
                    && sizes.get(target).is_some_and(|size| *size > LARGE_INLINE)
                {
                    field.boxed = true;
                }
            }
        }
    }
}

/// The estimated inline size of definition `id`, with the boxing rule applied to its
/// own fields (memoized in `sizes`; a definition being measured counts as boxed).
fn struct_size(model: &Model, id: &str, sizes: &mut BTreeMap<String, usize>) -> usize {
    if let Some(size) = sizes.get(id) {
        return *size;
    }
    sizes.insert(id.to_string(), 8); // reached again while measuring: behind a pointer
    let size = match model.definitions.get(id).map(|def| &def.shape) {
        Some(Shape::Struct(fields)) => {
            let mut total = 0;
            for field in fields {
                let inline = match &field.ty {
                    Ty::Ref(target) if field.boxed => {
                        struct_size(model, target, sizes);
                        8
                    }
                    Ty::Ref(target) if model.definitions.contains_key(target) => {
                        let size = struct_size(model, target, sizes);
                        if !field.required && size > LARGE_INLINE {
                            8
                        } else {
                            size
                        }
                    }
                    ty => scalar_size(ty, !field.required),
                };
                total += inline;
            }
            total.div_ceil(8) * 8
        }
        Some(Shape::List(_)) => 80,
        Some(Shape::Json) | None => MACHINERY,
    };
    sizes.insert(id.to_string(), size);
    size
}

/// The size of a field that is not a generated struct.
fn scalar_size(ty: &Ty, optional: bool) -> usize {
    match ty {
        // `Str` and `Option<Str>`: 16 bytes.
        Ty::String => 16,
        Ty::Bytes | Ty::Vec(_) | Ty::Map(_) => 24,
        Ty::I32 if optional => 8,
        Ty::I32 => 4,
        Ty::I64 | Ty::F64 if optional => 16,
        Ty::I64 | Ty::F64 => 8,
        Ty::Bool => 1,
        Ty::Json | Ty::Ref(_) => MACHINERY,
    }
}
