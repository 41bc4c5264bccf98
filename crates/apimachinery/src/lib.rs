//! The API machinery every client-go for Rust crate builds on: object metadata, names of
//! groups, versions, kinds and resources, selectors, quantities, watch events and API
//! errors.
//!
//! This crate is the Rust counterpart of the parts of Go's `k8s.io/apimachinery` that
//! client-go uses. It does no I/O and depends only on `serde`, `serde_json`, `base64`,
//! `thiserror` and `lean_string`.
//!
//! # Package map
//!
//! | Module | Go package | What it holds |
//! |---|---|---|
//! | [`schema`] | `pkg/runtime/schema` | [`GroupVersion`], [`GroupVersionKind`], [`GroupVersionResource`], parsing and display |
//! | [`meta`] | `pkg/apis/meta/v1` | [`ObjectMeta`], [`ListMeta`], [`Status`], options, [`Time`], [`LabelSelector`](meta::LabelSelector), discovery types |
//! | [`errors`] | `pkg/api/errors` | [`StatusError`] and the `is_not_found`-style predicates |
//! | [`labels`] | `pkg/labels`, `pkg/selection` | label [`Selector`](labels::Selector): parse, match, render |
//! | [`fields`] | `pkg/fields` | field [`Selector`](fields::Selector) with escaping |
//! | [`quantity`] | `pkg/api/resource` | [`Quantity`] (`500m`, `1Gi`) |
//! | [`intstr`] | `pkg/util/intstr` | [`IntOrString`] and percentages |
//! | [`watch`] | `pkg/watch` | typed [`WatchEvent`](watch::WatchEvent), decoded in one pass |
//! | [`unstructured`] | `pkg/apis/meta/v1/unstructured` | JSON-backed [`Unstructured`] objects |
//! | [`patch`] | `pkg/types` (patch types) | [`PatchType`](patch::PatchType) and content types |
//! | [`media_type`] | `pkg/runtime` (media types) | content types and negotiation strings |
//! | [`protobuf`] | `pkg/runtime/serializer/protobuf`, `generated.pb.go` | protobuf answers decoded into the API types |
//! | [`framing`] | `pkg/util/framer`, `pkg/runtime/serializer/protobuf` | watch stream frames, the `k8s\0` protobuf envelope |
//! | [`validation`] | `pkg/util/validation` (+ `field`) | name and label checks, [`FieldError`](validation::FieldError) |
//! | [`resource`] | (client-go's generic clients) | the [`Resource`] and [`Metadata`] traits, verb markers, apply configurations |
//! | [`byte_string`] | (Go's `[]byte` in JSON) | [`ByteString`], base64 on the wire |
//! | [`serde_util`] | | serde helpers shared with generated types |
//! | [`string_map`] | (Go's `map[string]T`) | [`StringMap`], the compact sorted map of labels, annotations and other API maps |
//! | [`text`] | (Go's `string`) | [`Str`], the 16-byte string of API objects' fields: short text inline, long text shared |
//! | [`structural`] | `apiextensions` schemas | [`StructuralSchema`], the schemas of custom resources' types |
//! | [`managed_fields`] | `structured-merge-diff` field sets | what a field manager owns; extraction for read-modify-apply |
//!
//! # Example
//!
//! ```
//! use clientgo_apimachinery::labels::Selector;
//! use clientgo_apimachinery::meta::{ListOptions, QueryParams};
//! use clientgo_apimachinery::quantity::Quantity;
//!
//! let selector = Selector::builder().equals("app", "web").build()?;
//! let opts = ListOptions::default().with_label_selector(selector.to_string());
//! assert_eq!(opts.query_pairs(), vec![("labelSelector", "app=web".to_owned())]);
//!
//! let limit: Quantity = "512Mi".parse()?;
//! assert_eq!(limit.value(), 512 * 1024 * 1024);
//! # Ok::<(), clientgo_apimachinery::Error>(())
//! ```
//!
//! # Errors and panics
//!
//! Parsing functions return [`Error`]; API failures are
//! [`StatusError`]s. Nothing in this crate panics on input, with
//! one documented exception meant for constants:
//! [`Quantity::must_parse`](quantity::Quantity::must_parse).

pub mod byte_string;
pub mod errors;
pub mod fields;
pub mod framing;
pub mod intstr;
pub mod labels;
pub mod managed_fields;
pub mod media_type;
pub mod meta;
pub mod patch;
pub mod protobuf;
pub mod quantity;
pub mod resource;
pub mod schema;
pub mod serde_util;
pub mod string_map;
pub mod structural;
pub mod text;
pub mod unstructured;
pub mod validation;
pub mod watch;

mod error;
mod go_sort;

pub use byte_string::ByteString;
pub use error::Error;
pub use errors::{ApiStatus, IgnoreApiStatus, StatusError};
pub use intstr::IntOrString;
pub use meta::{ListMeta, ObjectList, ObjectMeta, Status, Time};
pub use quantity::Quantity;
pub use resource::{ApiResource, Metadata, Resource, Scope};
pub use schema::{GroupKind, GroupResource, GroupVersion, GroupVersionKind, GroupVersionResource};
pub use string_map::StringMap;
pub use structural::StructuralSchema;
pub use text::Str;
pub use unstructured::{Unstructured, UnstructuredList};
