//! Known quirks of the Kubernetes OpenAPI document, handled here instead of by editing
//! generated code. Each entry says why.

/// Definitions the document cannot describe as a struct, generated as any JSON
/// (`serde_json::Value`):
///
/// - `apiextensions.v1.JSON`: arbitrary JSON (default values, enum members, examples);
///   the document gives it no type at all.
/// - `apiextensions.v1.JSONSchemaPropsOrArray`, `...OrBool`, `...OrStringArray`: one of
///   two shapes (a schema or a list of schemas; a schema or a boolean; a schema or a
///   list of strings), which Go marshals by hand and OpenAPI v2 cannot express.
const ANY_JSON: &[&str] = &[
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
];

/// Whether a definition is generated as any JSON.
pub fn is_any_json(id: &str) -> bool {
    ANY_JSON.contains(&id)
}

/// API machinery definitions and the hand-written `clientgo-apimachinery` types that
/// stand for them. Value types (`Time`, `Quantity`, ...) are used as they are in apply
/// configurations too; the others get generated apply configurations under
/// `meta::v1`.
const MACHINERY: &[(&str, &str, bool)] = &[
    (
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        "clientgo_apimachinery::Quantity",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        "clientgo_apimachinery::IntOrString",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        "clientgo_apimachinery::meta::RawExtension",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        "clientgo_apimachinery::meta::Time",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
        "clientgo_apimachinery::meta::MicroTime",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
        "clientgo_apimachinery::meta::FieldsV1",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.GroupResource",
        "clientgo_apimachinery::GroupResource",
        true,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "clientgo_apimachinery::meta::ObjectMeta",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
        "clientgo_apimachinery::meta::ListMeta",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
        "clientgo_apimachinery::meta::OwnerReference",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
        "clientgo_apimachinery::meta::ManagedFieldsEntry",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
        "clientgo_apimachinery::meta::LabelSelector",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "clientgo_apimachinery::meta::LabelSelectorRequirement",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement",
        "clientgo_apimachinery::meta::FieldSelectorRequirement",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
        "clientgo_apimachinery::meta::Condition",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "clientgo_apimachinery::meta::DeleteOptions",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions",
        "clientgo_apimachinery::meta::Preconditions",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "clientgo_apimachinery::meta::Status",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails",
        "clientgo_apimachinery::meta::StatusDetails",
        false,
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause",
        "clientgo_apimachinery::meta::StatusCause",
        false,
    ),
];

/// The Rust path of a machinery definition, and whether it is a value type.
pub fn machinery_type(id: &str) -> Option<(&'static str, bool)> {
    MACHINERY
        .iter()
        .find(|(known, _, _)| *known == id)
        .map(|(_, path, value)| (*path, *value))
}

/// Hand-written items emitted after the apply configuration of `id`: conversions from
/// the machinery type, so what a helper builds (`OwnerReference::controller_of`) goes
/// into an apply configuration as it is.
pub fn apply_extras(id: &str) -> Option<&'static str> {
    (id == "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference").then_some(
        "impl From<clientgo_apimachinery::meta::OwnerReference> for OwnerReferenceApplyConfiguration {
    fn from(value: clientgo_apimachinery::meta::OwnerReference) -> Self {
        Self {
            api_version: Some(value.api_version),
            block_owner_deletion: value.block_owner_deletion,
            controller: value.controller,
            kind: Some(value.kind),
            name: Some(value.name),
            uid: Some(value.uid),
        }
    }
}

",
    )
}
