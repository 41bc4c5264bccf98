//! From a structural OpenAPI v3 schema to Rust types: the structs and enums a schema
//! needs, each field with the Rust type of its JSON form.
//!
//! The mapping (in the crate documentation) is the inverse of `StructuralSchema`'s, so
//! that the types generated from a derived resource's definition are the derived types
//! again.
//!
//! A property that is not `required`, or is `nullable`, is an `Option`. `allOf`,
//! `anyOf`, `oneOf` and `not` only restrict values the rest of a structural schema
//! already types, so they are ignored, as are validations (`pattern`, `minimum`,
//! `x-kubernetes-validations`, ...) and list and map types: the types describe the
//! data, the definition on the server keeps validating it.

use std::collections::{BTreeMap, BTreeSet};

use clientgo_apimachinery::{Quantity, StructuralSchema};
use serde_json::Value;

use crate::naming::{field_ident, serde_camel_case, type_ident};

/// The Rust type of one schema node.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    String,
    Time,
    I32,
    I64,
    F32,
    F64,
    Bool,
    IntOrString,
    Quantity,
    Value,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// A struct or enum of this generation.
    Named(String),
}

/// One field of a struct.
pub(crate) struct Field {
    /// The Rust identifier (`r#type` for a keyword).
    pub(crate) ident: String,
    /// The JSON property name.
    pub(crate) json: String,
    pub(crate) ty: Ty,
    /// Absent from `required`, or `nullable`: the field is an `Option`.
    pub(crate) optional: bool,
    pub(crate) doc: Option<String>,
}

impl Field {
    /// Whether serde's `rename_all = "camelCase"` gives this field its JSON name.
    pub(crate) fn camel_case_fits(&self) -> bool {
        serde_camel_case(&self.ident) == self.json
    }
}

/// A generated type.
pub(crate) enum Item {
    Struct {
        name: String,
        doc: Option<String>,
        fields: Vec<Field>,
        /// Every required field has a default, so the struct derives `Default`.
        default: bool,
    },
    Enum {
        name: String,
        doc: Option<String>,
        /// `(Rust variant, JSON value)` pairs.
        variants: Vec<(String, String)>,
    },
}

/// The types generated for one schema, in the order they are first met.
pub(crate) struct Types {
    items: Vec<Option<Item>>,
    names: BTreeSet<String>,
    has_default: BTreeMap<String, bool>,
}

/// A schema that the derive cannot express as a struct.
#[derive(Debug)]
pub(crate) struct NotAStruct;

impl Types {
    /// No types yet; `reserved` names (the object's kind) are never given to a type.
    pub(crate) fn new(reserved: &[&str]) -> Self {
        Types {
            items: Vec::new(),
            names: reserved.iter().map(|name| (*name).to_string()).collect(),
            has_default: BTreeMap::new(),
        }
    }

    /// The generated types, in the order they were first met.
    pub(crate) fn into_items(self) -> Vec<Item> {
        self.items.into_iter().flatten().collect()
    }

    /// The struct named `name` for an object schema with properties.
    pub(crate) fn root_struct(&mut self, name: &str, schema: &Value) -> Result<String, NotAStruct> {
        if !has_properties(schema) {
            return Err(NotAStruct);
        }
        let name = self.claim(name);
        self.structure(&name, schema);
        Ok(name)
    }

    /// The Rust type of `schema`; `hint` names a struct or enum it needs.
    pub(crate) fn ty(&mut self, schema: &Value, hint: &str) -> Ty {
        if flag(schema, "x-kubernetes-int-or-string") {
            let quantity_pattern = Quantity::schema()["pattern"].clone();
            return if schema.get("pattern") == Some(&quantity_pattern) {
                Ty::Quantity
            } else {
                Ty::IntOrString
            };
        }
        let format = schema.get("format").and_then(Value::as_str);
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => match self.enumeration(schema, hint) {
                Some(name) => Ty::Named(name),
                None if format == Some("date-time") => Ty::Time,
                None => Ty::String,
            },
            Some("integer") if format == Some("int32") => Ty::I32,
            Some("integer") => Ty::I64,
            Some("number") if format == Some("float") => Ty::F32,
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => Ty::Vec(Box::new(match schema.get("items") {
                Some(items) => self.ty(items, hint),
                None => Ty::Value,
            })),
            _ if has_properties(schema) => {
                let name = self.claim(hint);
                self.structure(&name, schema);
                Ty::Named(name)
            }
            _ if flag(schema, "x-kubernetes-preserve-unknown-fields")
                || flag(schema, "x-kubernetes-embedded-resource") =>
            {
                Ty::Value
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => Ty::Map(Box::new(self.ty(values, hint))),
                _ => Ty::Map(Box::new(Ty::Value)),
            },
            _ => Ty::Value,
        }
    }

    /// Whether a required field of type `ty` can be defaulted.
    fn has_default(&self, ty: &Ty) -> bool {
        match ty {
            Ty::IntOrString => false,
            Ty::Named(name) => self.has_default.get(name).copied().unwrap_or(false),
            _ => true,
        }
    }

    /// `hint`, or `hint` with the first free number appended.
    fn claim(&mut self, hint: &str) -> String {
        let mut name = hint.to_string();
        let mut n = 2;
        while self.names.contains(&name) {
            name = format!("{hint}{n}");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn structure(&mut self, name: &str, schema: &Value) {
        let slot = self.items.len();
        self.items.push(None);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties: BTreeMap<&str, &Value> = schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, property)| (name.as_str(), property))
            .collect();
        // Required fields first, in the definition's order (the order the derive lists
        // them in again), then the others by name.
        let order = required
            .iter()
            .copied()
            .filter(|name| properties.contains_key(name))
            .chain(
                properties
                    .keys()
                    .copied()
                    .filter(|name| !required.contains(name)),
            );
        let mut idents = BTreeSet::new();
        let mut fields = Vec::new();
        for json in order {
            let property = properties[json];
            let mut ident = field_ident(json);
            let mut n = 2;
            while !idents.insert(ident.clone()) {
                ident = format!("{}_{n}", field_ident(json).trim_start_matches("r#"));
                n += 1;
            }
            let ty = self.ty(property, &format!("{name}{}", type_ident(json)));
            fields.push(Field {
                ident,
                json: json.to_string(),
                ty,
                optional: !required.contains(&json) || flag(property, "nullable"),
                doc: description(property),
            });
        }
        let default = fields.iter().all(|f| f.optional || self.has_default(&f.ty));
        self.has_default.insert(name.to_string(), default);
        self.items[slot] = Some(Item::Struct {
            name: name.to_string(),
            doc: description(schema),
            fields,
            default,
        });
    }

    /// The enum for a string schema with an `enum` of distinct, nameable strings.
    fn enumeration(&mut self, schema: &Value, hint: &str) -> Option<String> {
        let values = schema.get("enum")?.as_array()?;
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for value in values.iter().filter(|v| !v.is_null()) {
            let json = value.as_str()?;
            let variant = type_ident(json);
            if json.is_empty() || !seen.insert(variant.clone()) {
                return None;
            }
            variants.push((variant, json.to_string()));
        }
        if variants.is_empty() {
            return None;
        }
        let name = self.claim(hint);
        self.has_default.insert(name.clone(), false);
        self.items.push(Some(Item::Enum {
            name: name.clone(),
            doc: description(schema),
            variants,
        }));
        Some(name)
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_map_to_their_rust_types() {
        let mut types = Types::new(&[]);
        for (schema, ty) in [
            (json!({ "type": "string" }), Ty::String),
            (json!({ "type": "string", "format": "date-time" }), Ty::Time),
            (json!({ "type": "integer", "format": "int32" }), Ty::I32),
            (json!({ "type": "integer" }), Ty::I64),
            (json!({ "type": "number", "format": "float" }), Ty::F32),
            (json!({ "type": "number" }), Ty::F64),
            (json!({ "type": "boolean" }), Ty::Bool),
            (
                json!({ "x-kubernetes-int-or-string": true }),
                Ty::IntOrString,
            ),
            (Quantity::schema(), Ty::Quantity),
            (
                json!({ "x-kubernetes-preserve-unknown-fields": true }),
                Ty::Value,
            ),
            (
                json!({ "type": "object", "x-kubernetes-embedded-resource": true }),
                Ty::Value,
            ),
            (json!({ "type": "object" }), Ty::Map(Box::new(Ty::Value))),
            (
                json!({ "type": "object", "additionalProperties": { "type": "string" } }),
                Ty::Map(Box::new(Ty::String)),
            ),
            (
                json!({ "type": "array", "items": { "type": "boolean" } }),
                Ty::Vec(Box::new(Ty::Bool)),
            ),
        ] {
            assert_eq!(types.ty(&schema, "Unused"), ty, "{schema}");
        }
        assert!(types.into_items().is_empty());
    }

    #[test]
    fn enums_need_distinct_nameable_strings() {
        let mut types = Types::new(&[]);
        let schema = json!({ "type": "string", "enum": ["TCP", "UDP", null] });
        assert_eq!(types.ty(&schema, "Protocol"), Ty::Named("Protocol".into()));
        let clash = json!({ "type": "string", "enum": ["a-b", "a_b"] });
        assert_eq!(types.ty(&clash, "Clash"), Ty::String);
        let empty = json!({ "type": "string", "enum": [""] });
        assert_eq!(types.ty(&empty, "Empty"), Ty::String);
    }

    #[test]
    fn names_are_unique_and_optional_follows_required() {
        let mut types = Types::new(&["Thing"]);
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": { "type": "object", "properties": { "x": { "type": "string" } } },
                "b": { "type": "string", "nullable": true },
                "port": { "x-kubernetes-int-or-string": true },
            },
        });
        assert_eq!(types.root_struct("Thing", &schema).unwrap(), "Thing2");
        let items = types.into_items();
        let Item::Struct {
            name,
            fields,
            default,
            ..
        } = &items[0]
        else {
            panic!("a struct first");
        };
        assert_eq!(name, "Thing2");
        assert_eq!(fields[0].ty, Ty::Named("Thing2A".into()));
        assert!(!fields[0].optional);
        assert!(fields[1].optional && fields[2].optional);
        assert!(*default, "optional fields do not stop Default");
    }
}
