//! Object keys (`namespace/name`), and the tombstone handed to delete handlers when the
//! final state of an object is unknown.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::object::CacheObject;

/// Computes the store key of an object.
pub type KeyFunc<K> = Arc<dyn Fn(&K) -> Result<String> + Send + Sync>;

/// The key of `obj`: `"<namespace>/<name>"`, or `"<name>"` when the namespace is empty.
/// An object without a name has no key.
///
/// ```
/// use clientgo_apimachinery::meta::ObjectMeta;
/// use clientgo_cache::meta_namespace_key;
///
/// let mut meta = ObjectMeta::named("web");
/// assert_eq!(meta_namespace_key(&meta)?, "web");
/// meta.namespace = Some("prod".into());
/// assert_eq!(meta_namespace_key(&meta)?, "prod/web");
/// # Ok::<(), clientgo_cache::Error>(())
/// ```
pub fn meta_namespace_key<K: CacheObject + ?Sized>(obj: &K) -> Result<String> {
    let name = obj
        .object_name()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::key("without a name", "object has no name"))?;
    Ok(match obj.object_namespace().filter(|ns| !ns.is_empty()) {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    })
}

/// Splits a key into `(namespace, name)`: one segment is a bare name (namespace `""`),
/// two are `namespace/name`, anything else is an error.
pub fn split_meta_namespace_key(key: &str) -> Result<(&str, &str)> {
    let mut parts = key.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, None) => Ok(("", name)),
        (Some(ns), Some(name), None) => Ok((ns, name)),
        _ => Err(Error::KeyFormat(key.to_owned())),
    }
}

/// A parsed object key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectName {
    /// The namespace (`""` for cluster-scoped objects).
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ObjectName {
    /// A name in a namespace.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// Parses a key (rules of [`split_meta_namespace_key`]).
    pub fn parse(key: &str) -> Result<Self> {
        let (namespace, name) = split_meta_namespace_key(key)?;
        Ok(Self::new(namespace, name))
    }
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// Handed to delete handlers when the informer missed the delete event and found out
/// during a relist. `obj` is the last known state: it **may be stale**, or absent.
#[derive(Debug)]
pub struct DeletedFinalStateUnknown<K> {
    /// The key of the deleted object.
    pub key: String,
    /// The last known state, if any.
    pub obj: Option<Arc<K>>,
}

impl<K> Clone for DeletedFinalStateUnknown<K> {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            obj: self.obj.clone(),
        }
    }
}

/// An object as handed to delete handlers (and carried by queue deltas): either the
/// object itself, or a [`DeletedFinalStateUnknown`] tombstone.
#[derive(Debug)]
pub enum DeletedObject<K> {
    /// The object.
    Object(Arc<K>),
    /// The delete was missed; the last known state may be stale or absent.
    FinalStateUnknown(DeletedFinalStateUnknown<K>),
}

impl<K> Clone for DeletedObject<K> {
    fn clone(&self) -> Self {
        match self {
            Self::Object(o) => Self::Object(Arc::clone(o)),
            Self::FinalStateUnknown(t) => Self::FinalStateUnknown(t.clone()),
        }
    }
}

impl<K: CacheObject> DeletedObject<K> {
    /// The object, or the tombstone's last known state.
    pub fn object(&self) -> Option<&Arc<K>> {
        match self {
            Self::Object(o) => Some(o),
            Self::FinalStateUnknown(t) => t.obj.as_ref(),
        }
    }

    /// True for a tombstone.
    pub fn is_final_state_unknown(&self) -> bool {
        matches!(self, Self::FinalStateUnknown(_))
    }

    /// The store key: the tombstone's key, or the object's
    /// [`meta_namespace_key`] (this is `deletion_handling_meta_namespace_key`).
    pub fn key(&self) -> Result<String> {
        match self {
            Self::Object(o) => meta_namespace_key(o.as_ref()),
            Self::FinalStateUnknown(t) => Ok(t.key.clone()),
        }
    }

    /// The name (for a tombstone, parsed from its key).
    pub fn name(&self) -> String {
        match self {
            Self::Object(o) => o.object_name().unwrap_or_default().to_owned(),
            Self::FinalStateUnknown(t) => split_meta_namespace_key(&t.key)
                .map(|(_, n)| n.to_owned())
                .unwrap_or_default(),
        }
    }

    /// The namespace (for a tombstone, parsed from its key; a bare name has none).
    pub fn namespace(&self) -> String {
        match self {
            Self::Object(o) => o.object_namespace().unwrap_or_default().to_owned(),
            Self::FinalStateUnknown(t) => split_meta_namespace_key(&t.key)
                .map(|(ns, _)| ns.to_owned())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clientgo_apimachinery::meta::ObjectMeta;

    fn meta(ns: &str, name: &str) -> ObjectMeta {
        let mut m = ObjectMeta::named(name);
        m.namespace = Some(ns).filter(|n| !n.is_empty()).map(Into::into);
        m
    }

    #[test]
    fn keys_have_namespace_when_there_is_one() {
        assert_eq!(meta_namespace_key(&meta("ns", "a")).unwrap(), "ns/a");
        assert_eq!(meta_namespace_key(&meta("", "a")).unwrap(), "a");
        let err = meta_namespace_key(&ObjectMeta::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("couldn't create key for object")
        );
    }

    #[test]
    fn split_accepts_one_or_two_segments() {
        assert_eq!(split_meta_namespace_key("a").unwrap(), ("", "a"));
        assert_eq!(split_meta_namespace_key("ns/a").unwrap(), ("ns", "a"));
        assert_eq!(
            split_meta_namespace_key("a/b/c").unwrap_err().to_string(),
            "unexpected key format: \"a/b/c\""
        );
        let parsed = ObjectName::parse("ns/a").unwrap();
        assert_eq!(parsed, ObjectName::new("ns", "a"));
        assert_eq!(parsed.to_string(), "ns/a");
        assert_eq!(ObjectName::parse("a").unwrap().to_string(), "a");
    }

    #[test]
    fn tombstone_helpers_parse_the_key() {
        let t: DeletedObject<ObjectMeta> =
            DeletedObject::FinalStateUnknown(DeletedFinalStateUnknown {
                key: "ns/gone".into(),
                obj: None,
            });
        assert_eq!(t.key().unwrap(), "ns/gone");
        assert_eq!(t.name(), "gone");
        assert_eq!(t.namespace(), "ns");
        assert!(t.object().is_none());
        let bare: DeletedObject<ObjectMeta> =
            DeletedObject::FinalStateUnknown(DeletedFinalStateUnknown {
                key: "gone".into(),
                obj: None,
            });
        assert_eq!(bare.name(), "gone");
        assert_eq!(bare.namespace(), "");
        let o = DeletedObject::Object(Arc::new(meta("x", "y")));
        assert_eq!(o.key().unwrap(), "x/y");
        assert!(!o.is_final_state_unknown());
    }
}
