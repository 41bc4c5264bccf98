//! What generic client code needs to know about a resource type.
//!
//! * [`Resource`]: the compile-time identity of a typed resource (group, version, kind,
//!   plural, scope), implemented by generated API types. It is a bound for generic
//!   code (`Client<K: Resource>`), not a trait object: its items are associated
//!   constants and functions without `self`, so it is deliberately not object-safe.
//! * [`ApiResource`]: the same identity as a run-time value, for objects whose type is
//!   only known at run time (unstructured objects, [`PartialObjectMetadata`]).
//! * [`Metadata`]: access to an object's [`ObjectMeta`]. It is object-safe, so stores
//!   and handlers can work with `&dyn Metadata`.
//!
//! ```
//! use clientgo_apimachinery::meta::{ObjectMeta, PartialObjectMetadata};
//! use clientgo_apimachinery::resource::{ApiResource, Metadata, Resource, Scope};
//!
//! #[derive(Default)]
//! struct Deployment {
//!     metadata: ObjectMeta,
//! }
//!
//! impl Resource for Deployment {
//!     const GROUP: &'static str = "apps";
//!     const VERSION: &'static str = "v1";
//!     const KIND: &'static str = "Deployment";
//!     const PLURAL: &'static str = "deployments";
//!     const SCOPE: Scope = Scope::Namespaced;
//! }
//!
//! impl Metadata for Deployment {
//!     fn metadata(&self) -> &ObjectMeta { &self.metadata }
//!     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
//! }
//!
//! assert_eq!(Deployment::api_version(), "apps/v1");
//! let mut d = Deployment::default();
//! d.metadata_mut().name = Some("web".into());
//! let any: &dyn Metadata = &d;
//! assert_eq!(any.name(), Some("web"));
//! assert_eq!(ApiResource::of::<Deployment>().plural, "deployments");
//! ```

use std::borrow::Cow;

use crate::StringMap;
use crate::meta::{ObjectMeta, PartialObjectMetadata};
use crate::schema::{
    GroupVersion, GroupVersionKind, GroupVersionResource, unsafe_guess_kind_to_resource,
};

/// Whether objects of a resource live in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Objects live in a namespace (`/namespaces/<ns>/<plural>`).
    Namespaced,
    /// Objects are cluster-wide (`/<plural>`).
    Cluster,
}

/// The identity of a typed resource, known at compile time.
pub trait Resource {
    /// The API group; empty for the core group.
    const GROUP: &'static str;
    /// The version.
    const VERSION: &'static str;
    /// The kind.
    const KIND: &'static str;
    /// The resource name in URLs (lower-case plural).
    const PLURAL: &'static str;
    /// Namespaced or cluster-scoped.
    const SCOPE: Scope;
    /// The subresources the API serves for this resource (`status`, `scale`, `log`, ...).
    const SUBRESOURCES: &'static [&'static str] = &[];

    /// The `apiVersion` of the objects: `"v1"` for the core group, `"group/version"`
    /// otherwise.
    fn api_version() -> Cow<'static, str> {
        if Self::GROUP.is_empty() {
            Cow::Borrowed(Self::VERSION)
        } else {
            Cow::Owned(format!("{}/{}", Self::GROUP, Self::VERSION))
        }
    }

    /// The group/version.
    fn group_version() -> GroupVersion {
        GroupVersion::new(Self::GROUP, Self::VERSION)
    }

    /// The group/version/kind.
    fn group_version_kind() -> GroupVersionKind {
        GroupVersionKind::new(Self::GROUP, Self::VERSION, Self::KIND)
    }

    /// The group/version/resource.
    fn group_version_resource() -> GroupVersionResource {
        GroupVersionResource::new(Self::GROUP, Self::VERSION, Self::PLURAL)
    }

    /// True for namespaced resources.
    fn is_namespaced() -> bool {
        Self::SCOPE == Scope::Namespaced
    }

    /// How objects of this kind decode from protobuf: built-in kinds have a codec and
    /// typed clients ask for protobuf when configured to; `None` (the default, and every
    /// custom resource) means JSON only.
    fn protobuf() -> Option<crate::protobuf::Codec<Self>>
    where
        Self: Sized,
    {
        None
    }
}

/// Marker traits saying which verbs the API serves for a typed resource.
///
/// Generated API types implement the ones their resource supports, so a typed client
/// offers exactly those verbs: `TokenReview` can only be created, `ComponentStatus`
/// only read. A hand-written type for a custom resource gets every standard verb with
/// [`impl_all_verbs!`](crate::impl_all_verbs), and implements [`verb::Status`] /
/// [`verb::Scale`] when its definition enables those subresources.
pub mod verb {
    use super::Resource;

    /// `get` one object by name.
    pub trait Get: Resource {}
    /// `list` the objects.
    pub trait List: Resource {}
    /// `watch` the objects.
    pub trait Watch: Resource {}
    /// `create` an object.
    pub trait Create: Resource {}
    /// `update` (replace) an object.
    pub trait Update: Resource {}
    /// `patch` an object (JSON, merge, strategic merge and server-side apply).
    pub trait Patch: Resource {}
    /// `delete` one object.
    pub trait Delete: Resource {}
    /// `deletecollection`: delete every selected object.
    pub trait DeleteCollection: Resource {}
    /// The `status` subresource: `update_status` and `apply_status`.
    pub trait Status: Resource {}
    /// The `scale` subresource: `get_scale` and `update_scale`.
    pub trait Scale: Resource {}
}

/// Implements every standard [`verb`] marker (get, list, watch, create, update, patch,
/// delete, deletecollection) for resource types, e.g. custom resources.
///
/// ```
/// use clientgo_apimachinery::resource::{Resource, Scope, verb};
///
/// struct Widget;
/// impl Resource for Widget {
///     const GROUP: &'static str = "example.com";
///     const VERSION: &'static str = "v1";
///     const KIND: &'static str = "Widget";
///     const PLURAL: &'static str = "widgets";
///     const SCOPE: Scope = Scope::Namespaced;
/// }
/// clientgo_apimachinery::impl_all_verbs!(Widget);
///
/// fn listable<K: verb::List>() {}
/// listable::<Widget>();
/// ```
#[macro_export]
macro_rules! impl_all_verbs {
    ($($kind:ty),+ $(,)?) => {
        $(
            impl $crate::resource::verb::Get for $kind {}
            impl $crate::resource::verb::List for $kind {}
            impl $crate::resource::verb::Watch for $kind {}
            impl $crate::resource::verb::Create for $kind {}
            impl $crate::resource::verb::Update for $kind {}
            impl $crate::resource::verb::Patch for $kind {}
            impl $crate::resource::verb::Delete for $kind {}
            impl $crate::resource::verb::DeleteCollection for $kind {}
        )+
    };
}

/// A server-side apply configuration of a typed resource: a partial object whose unset
/// fields are omitted from the request, so applying it claims only the fields it sets.
/// Generated for every API type (`DeploymentApplyConfiguration`, ...).
pub trait ApplyConfiguration: serde::Serialize {
    /// The resource this configuration applies to.
    type Resource: Resource;

    /// `metadata.name`, which an apply request must carry.
    fn name(&self) -> Option<&str>;

    /// `metadata.namespace`, if set.
    fn namespace(&self) -> Option<&str>;

    /// The apply configuration `field_manager` applied to `object`: only the fields it
    /// owns (from `managedFields`), plus apiVersion, kind, name and namespace. Modify it
    /// and apply it again as the same manager (client-go's `ExtractDeployment`, ...).
    fn extract(object: &Self::Resource, field_manager: &str) -> Result<Self, serde_json::Error>
    where
        Self: serde::de::DeserializeOwned + Sized,
        Self::Resource: serde::Serialize + Metadata,
    {
        extract_subresource(object, field_manager, "")
    }

    /// Like [`extract`](Self::extract), for what `field_manager` applied through the
    /// `status` subresource.
    fn extract_status(
        object: &Self::Resource,
        field_manager: &str,
    ) -> Result<Self, serde_json::Error>
    where
        Self: serde::de::DeserializeOwned + Sized,
        Self::Resource: serde::Serialize + Metadata,
    {
        extract_subresource(object, field_manager, "status")
    }
}

fn extract_subresource<A>(
    object: &A::Resource,
    field_manager: &str,
    subresource: &str,
) -> Result<A, serde_json::Error>
where
    A: ApplyConfiguration + serde::de::DeserializeOwned,
    A::Resource: serde::Serialize + Metadata,
{
    let value = serde_json::to_value(object)?;
    let owned = crate::managed_fields::extract_owned(
        &value,
        &object.metadata().managed_fields,
        field_manager,
        subresource,
    );
    serde_json::from_value(owned)
}

/// The identity of a resource as a run-time value (for dynamic and metadata-only code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiResource {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// The kind.
    pub kind: String,
    /// The resource name in URLs (lower-case plural).
    pub plural: String,
    /// Namespaced or cluster-scoped.
    pub scope: Scope,
}

impl ApiResource {
    /// The run-time identity of a typed resource.
    pub fn of<K: Resource>() -> Self {
        Self {
            group: K::GROUP.to_owned(),
            version: K::VERSION.to_owned(),
            kind: K::KIND.to_owned(),
            plural: K::PLURAL.to_owned(),
            scope: K::SCOPE,
        }
    }

    /// An identity with the plural guessed from the kind (see
    /// [`unsafe_guess_kind_to_resource`]); prefer discovery for real names.
    pub fn from_gvk_guess(gvk: &GroupVersionKind, scope: Scope) -> Self {
        let (plural, _) = unsafe_guess_kind_to_resource(gvk);
        Self {
            group: gvk.group.clone(),
            version: gvk.version.clone(),
            kind: gvk.kind.clone(),
            plural: plural.resource,
            scope,
        }
    }

    /// The `apiVersion` of the objects.
    pub fn api_version(&self) -> String {
        GroupVersion::new(self.group.clone(), self.version.clone()).to_string()
    }

    /// The group/version/kind.
    pub fn group_version_kind(&self) -> GroupVersionKind {
        GroupVersionKind::new(self.group.clone(), self.version.clone(), self.kind.clone())
    }

    /// The group/version/resource.
    pub fn group_version_resource(&self) -> GroupVersionResource {
        GroupVersionResource::new(
            self.group.clone(),
            self.version.clone(),
            self.plural.clone(),
        )
    }
}

/// Access to an object's metadata. Object-safe.
pub trait Metadata {
    /// The metadata.
    fn metadata(&self) -> &ObjectMeta;

    /// The metadata, mutably.
    fn metadata_mut(&mut self) -> &mut ObjectMeta;

    /// `metadata.name`.
    fn name(&self) -> Option<&str> {
        self.metadata().name.as_deref()
    }

    /// `metadata.namespace`.
    fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// `metadata.resourceVersion`.
    fn resource_version(&self) -> Option<&str> {
        self.metadata().resource_version.as_deref()
    }

    /// `metadata.uid`.
    fn uid(&self) -> Option<&str> {
        self.metadata().uid.as_deref()
    }

    /// `metadata.labels`.
    fn labels(&self) -> &StringMap {
        &self.metadata().labels
    }

    /// `metadata.annotations`.
    fn annotations(&self) -> &StringMap {
        &self.metadata().annotations
    }
}

impl Metadata for ObjectMeta {
    fn metadata(&self) -> &ObjectMeta {
        self
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        self
    }
}

impl Metadata for PartialObjectMetadata {
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// Shared objects (what informer caches and listers hand out) are resources of their
/// type, so an `&Arc<K>` goes wherever an `&K` does: event recorders, references, key
/// functions.
impl<K: Resource> Resource for std::sync::Arc<K> {
    const GROUP: &'static str = K::GROUP;
    const VERSION: &'static str = K::VERSION;
    const KIND: &'static str = K::KIND;
    const PLURAL: &'static str = K::PLURAL;
    const SCOPE: Scope = K::SCOPE;
    const SUBRESOURCES: &'static [&'static str] = K::SUBRESOURCES;
}

/// The metadata of a shared object; changing it copies the object first
/// ([`Arc::make_mut`](std::sync::Arc::make_mut)) unless this is the only reference, so
/// a cached object is never changed in place.
impl<K: Metadata + Clone> Metadata for std::sync::Arc<K> {
    fn metadata(&self) -> &ObjectMeta {
        (**self).metadata()
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        std::sync::Arc::make_mut(self).metadata_mut()
    }
}

impl<T: Metadata + ?Sized> Metadata for Box<T> {
    fn metadata(&self) -> &ObjectMeta {
        (**self).metadata()
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        (**self).metadata_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_objects_are_resources_and_copy_on_write() {
        use std::sync::Arc;
        let meta = ObjectMeta {
            name: Some("a".into()),
            ..ObjectMeta::default()
        };
        let cached = Arc::new(meta);
        let mut copy = Arc::clone(&cached);
        assert_eq!(Metadata::name(&copy), Some("a"));
        copy.metadata_mut().name = Some("b".into());
        assert_eq!(
            cached.name.as_deref(),
            Some("a"),
            "the cached object is untouched"
        );
        assert_eq!(Metadata::name(&copy), Some("b"));
    }

    struct Pod;

    impl Resource for Pod {
        const GROUP: &'static str = "";
        const VERSION: &'static str = "v1";
        const KIND: &'static str = "Pod";
        const PLURAL: &'static str = "pods";
        const SCOPE: Scope = Scope::Namespaced;
    }

    struct ClusterRole;

    impl Resource for ClusterRole {
        const GROUP: &'static str = "rbac.authorization.k8s.io";
        const VERSION: &'static str = "v1";
        const KIND: &'static str = "ClusterRole";
        const PLURAL: &'static str = "clusterroles";
        const SCOPE: Scope = Scope::Cluster;
    }

    #[test]
    fn static_identity_renders_api_version_and_names() {
        assert_eq!(Pod::api_version(), "v1");
        assert!(matches!(Pod::api_version(), Cow::Borrowed(_)));
        assert_eq!(ClusterRole::api_version(), "rbac.authorization.k8s.io/v1");
        assert_eq!(Pod::group_version_kind().to_string(), "/v1, Kind=Pod");
        assert_eq!(
            ClusterRole::group_version_resource().to_string(),
            "rbac.authorization.k8s.io/v1, Resource=clusterroles"
        );
        assert!(Pod::is_namespaced());
        assert!(!ClusterRole::is_namespaced());
    }

    #[test]
    fn runtime_identity_matches_static_one() {
        let r = ApiResource::of::<ClusterRole>();
        assert_eq!(r.api_version(), "rbac.authorization.k8s.io/v1");
        assert_eq!(r.group_version_kind(), ClusterRole::group_version_kind());
        assert_eq!(
            r.group_version_resource(),
            ClusterRole::group_version_resource()
        );
        let guessed = ApiResource::from_gvk_guess(&Pod::group_version_kind(), Scope::Namespaced);
        assert_eq!(guessed, ApiResource::of::<Pod>());
    }

    #[test]
    fn metadata_is_usable_as_trait_object() {
        let mut p = PartialObjectMetadata::default();
        p.metadata_mut().namespace = Some("ns".into());
        p.metadata_mut().resource_version = Some("5".into());
        let objects: Vec<Box<dyn Metadata>> = vec![Box::new(p), Box::new(ObjectMeta::named("x"))];
        assert_eq!(objects[0].namespace(), Some("ns"));
        assert_eq!(objects[0].resource_version(), Some("5"));
        assert_eq!(objects[1].name(), Some("x"));
        assert!(objects[1].labels().is_empty());
    }
}
