//! Structural OpenAPI v3 schemas of Rust types, for the schemas of custom resources.
//!
//! A CustomResourceDefinition must carry a *structural* schema: every node states its
//! `type` (or is marked `x-kubernetes-int-or-string` / `x-kubernetes-preserve-unknown-fields`),
//! there are no `$ref`s, and alternatives (`oneOf`, `anyOf`) only restrict values that
//! the rest of the schema already types. [`StructuralSchema`] produces such schemas
//! directly, so no post-processing is needed:
//!
//! - `Option<T>` is `T`'s schema with `nullable: true`, and never required;
//! - `Vec<T>` is an array of `T`; maps keyed by strings are objects with
//!   `additionalProperties`;
//! - [`serde_json::Value`] keeps any JSON (`x-kubernetes-preserve-unknown-fields`);
//! - [`IntOrString`] and [`Quantity`] are `x-kubernetes-int-or-string`;
//! - `String` and [`Str`] are strings; [`Time`] and [`MicroTime`] are `date-time` strings;
//! - structs and unit-only enums get the trait from `#[derive(StructuralSchema)]`
//!   (crate `clientgo-derive`, re-exported by `clientgo-api` under its `derive`
//!   feature), which follows the `serde` attributes that change the JSON form.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::meta::{Condition, LabelSelector, LabelSelectorRequirement, MicroTime, Time};
use crate::{IntOrString, Quantity, Str, StringMap};

/// A type whose JSON form has a structural OpenAPI v3 schema.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no structural schema",
    label = "no structural schema",
    note = "add `#[derive(StructuralSchema)]` to `{Self}` (and to the types of its fields)"
)]
pub trait StructuralSchema {
    /// Whether a field of this type may be absent from an object (`Option`): such
    /// fields are never listed as `required`.
    const OPTIONAL: bool = false;

    /// The schema of the type's JSON form.
    fn schema() -> Value;
}

macro_rules! scalar_schemas {
    ($($ty:ty => $schema:tt),+ $(,)?) => {
        $(
            impl StructuralSchema for $ty {
                fn schema() -> Value {
                    json!($schema)
                }
            }
        )+
    };
}

scalar_schemas! {
    bool => { "type": "boolean" },
    i8 => { "type": "integer", "format": "int32" },
    i16 => { "type": "integer", "format": "int32" },
    i32 => { "type": "integer", "format": "int32" },
    u8 => { "type": "integer", "format": "int32", "minimum": 0 },
    u16 => { "type": "integer", "format": "int32", "minimum": 0 },
    u32 => { "type": "integer", "format": "int64", "minimum": 0 },
    i64 => { "type": "integer", "format": "int64" },
    u64 => { "type": "integer", "format": "int64", "minimum": 0 },
    f32 => { "type": "number", "format": "float" },
    f64 => { "type": "number", "format": "double" },
    String => { "type": "string" },
    Str => { "type": "string" },
    Time => { "type": "string", "format": "date-time" },
    MicroTime => { "type": "string", "format": "date-time" },
    IntOrString => { "x-kubernetes-int-or-string": true },
    Quantity => { "x-kubernetes-int-or-string": true, "pattern": QUANTITY_PATTERN },
    Value => { "x-kubernetes-preserve-unknown-fields": true },
}

/// The pattern of a quantity's string form, as the API's OpenAPI document states it.
const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

impl<T: StructuralSchema> StructuralSchema for Option<T> {
    const OPTIONAL: bool = true;

    fn schema() -> Value {
        let mut schema = T::schema();
        if let Some(object) = schema.as_object_mut() {
            object.insert("nullable".into(), Value::Bool(true));
        }
        schema
    }
}

impl<T: StructuralSchema + ?Sized> StructuralSchema for Box<T> {
    const OPTIONAL: bool = T::OPTIONAL;

    fn schema() -> Value {
        T::schema()
    }
}

impl<T: StructuralSchema> StructuralSchema for Vec<T> {
    fn schema() -> Value {
        json!({ "type": "array", "items": T::schema() })
    }
}

fn map_of<T: StructuralSchema>() -> Value {
    json!({ "type": "object", "additionalProperties": T::schema() })
}

impl<T: StructuralSchema> StructuralSchema for BTreeMap<String, T> {
    fn schema() -> Value {
        map_of::<T>()
    }
}

impl<T: StructuralSchema, S> StructuralSchema for HashMap<String, T, S> {
    fn schema() -> Value {
        map_of::<T>()
    }
}

impl<T: StructuralSchema> StructuralSchema for StringMap<T> {
    fn schema() -> Value {
        map_of::<T>()
    }
}

impl StructuralSchema for Condition {
    fn schema() -> Value {
        json!({
            "type": "object",
            "description": "The standard condition shape (metav1.Condition).",
            "properties": {
                "type": { "type": "string", "maxLength": 316 },
                "status": { "type": "string", "enum": ["True", "False", "Unknown"] },
                "observedGeneration": { "type": "integer", "format": "int64", "minimum": 0 },
                "lastTransitionTime": { "type": "string", "format": "date-time" },
                "reason": { "type": "string", "maxLength": 1024 },
                "message": { "type": "string", "maxLength": 32768 },
            },
            "required": ["type", "status", "lastTransitionTime", "reason", "message"],
        })
    }
}

impl StructuralSchema for LabelSelectorRequirement {
    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "key": { "type": "string" },
                "operator": { "type": "string" },
                "values": { "type": "array", "items": { "type": "string" } },
            },
            "required": ["key", "operator"],
        })
    }
}

impl StructuralSchema for LabelSelector {
    fn schema() -> Value {
        json!({
            "type": "object",
            "x-kubernetes-map-type": "atomic",
            "properties": {
                "matchLabels": map_of::<String>(),
                "matchExpressions": Vec::<LabelSelectorRequirement>::schema(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_nullable_and_optional() {
        assert_eq!(
            Option::<i64>::schema(),
            json!({ "type": "integer", "format": "int64", "nullable": true })
        );
        const { assert!(Option::<String>::OPTIONAL) };
        const { assert!(!String::OPTIONAL) };
        assert_eq!(
            Option::<Str>::schema(),
            json!({ "type": "string", "nullable": true })
        );
    }

    #[test]
    fn containers_nest_their_items() {
        assert_eq!(
            BTreeMap::<String, Vec<bool>>::schema(),
            json!({
                "type": "object",
                "additionalProperties": { "type": "array", "items": { "type": "boolean" } },
            })
        );
        assert_eq!(
            IntOrString::schema(),
            json!({ "x-kubernetes-int-or-string": true })
        );
    }
}
