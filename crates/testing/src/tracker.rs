//! [`ObjectTracker`]: the fake server's storage, keyed by group, version, resource,
//! namespace and name, with one global resource version (like etcd), an event history
//! for watches, and the write semantics of the API server (conflicts, generation,
//! status subresource, finalizers).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use clientgo_apimachinery::meta::{Preconditions, Status, StatusDetails, StatusReason};
use clientgo_apimachinery::{
    ApiResource, GroupResource, GroupVersion, GroupVersionKind, GroupVersionResource, Resource,
    Scope, StatusError,
};
use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::discovery;
use crate::error::Error;
use crate::object::{self, meta_mut, meta_str, set_meta_str};
use crate::selectors::Filter;

/// Group, version and plural of a resource.
pub(crate) type ResourceKey = (String, String, String);

fn key_of(gvr: &GroupVersionResource) -> ResourceKey {
    (gvr.group.clone(), gvr.version.clone(), gvr.resource.clone())
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    Added,
    Modified,
    Deleted,
}

/// One change, as kept in the history and sent to watchers.
#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) rv: u64,
    pub(crate) resource: ResourceKey,
    pub(crate) namespace: String,
    pub(crate) kind: EventKind,
    pub(crate) object: Value,
    /// The object before a modification.
    pub(crate) old: Option<Value>,
}

/// Where a watch starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WatchStart {
    /// Synthetic `ADDED` events for every current object first.
    Current,
    /// Every event after this resource version (replayed from the history).
    After(u64),
    /// Only changes from now on.
    Now,
}

/// A registered watch: the events to send first, then the live ones.
pub(crate) struct Subscription {
    pub(crate) initial: Vec<Arc<Event>>,
    pub(crate) events: mpsc::UnboundedReceiver<Arc<Event>>,
    /// The global resource version when the watch started.
    pub(crate) rv: u64,
}

struct Watcher {
    resource: ResourceKey,
    namespace: String,
    sender: mpsc::UnboundedSender<Arc<Event>>,
}

type Objects = BTreeMap<(String, String), Value>;

struct Store {
    rv: u64,
    objects: BTreeMap<ResourceKey, Objects>,
    history: VecDeque<Arc<Event>>,
    history_limit: usize,
    /// Every event after this resource version is still in the history.
    floor: u64,
    watchers: Vec<Watcher>,
    resources: BTreeMap<ResourceKey, ApiResource>,
}

/// The objects of a fake server (client-go's `ObjectTracker`), shared with the server:
/// changes made here are seen by clients and watches, and the other way round.
///
/// Cheap to clone. Every write sets the next value of one global, increasing
/// `metadata.resourceVersion`.
#[derive(Clone)]
pub struct ObjectTracker {
    store: Arc<Mutex<Store>>,
}

impl std::fmt::Debug for ObjectTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = self.store.lock();
        f.debug_struct("ObjectTracker")
            .field("resource_version", &store.rv)
            .field("resources", &store.resources.len())
            .finish_non_exhaustive()
    }
}

fn group_resource(key: &ResourceKey) -> GroupResource {
    GroupResource::new(key.0.clone(), key.2.clone())
}

/// 422 Invalid about `name` of `resource`.
pub(crate) fn invalid(kind: &str, key: &ResourceKey, name: &str, message: &str) -> StatusError {
    let qualified = if key.0.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}.{}", key.0)
    };
    let mut status = Status::failure(
        422,
        StatusReason::Invalid,
        format!("{qualified} {name:?} is invalid: {message}"),
    );
    status.details = Some(StatusDetails {
        name: (!name.is_empty()).then(|| name.to_owned()),
        group: (!key.0.is_empty()).then(|| key.0.clone()),
        kind: Some(kind.to_owned()),
        ..StatusDetails::default()
    });
    StatusError::from(status)
}

fn bad_request(message: &str) -> StatusError {
    StatusError::new_bad_request(message)
}

/// The start of `data` the API server quotes in decoding errors: at most 30 bytes, cut
/// ones followed by ` ...`.
fn summarize(data: &[u8]) -> String {
    const MAX: usize = 30;
    match data.len() {
        0 => "<empty>".to_owned(),
        len if len > MAX => format!("{} ...", String::from_utf8_lossy(&data[..MAX])),
        _ => String::from_utf8_lossy(data).into_owned(),
    }
}

/// 400 BadRequest for a custom resource's body without `kind`, worded as the API
/// server's decoder words it (`data` is the request body, quoted whole).
fn missing_kind(kind: &str, data: &[u8]) -> StatusError {
    bad_request(&format!(
        "the object provided is unrecognized (must be of type {kind}): Object 'Kind' is missing in '{}' ({})",
        String::from_utf8_lossy(data),
        summarize(data),
    ))
}

/// The request and body namespaces must agree; the result is the namespace to store.
fn resolve_namespace(
    store: &Store,
    key: &ResourceKey,
    request: &str,
    object: &Value,
) -> Result<String, StatusError> {
    let body = object::namespace(object);
    if !request.is_empty() && !body.is_empty() && body != request {
        return Err(bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if store.scope(key) == Some(Scope::Cluster) {
        return Ok(String::new());
    }
    Ok(if request.is_empty() { body } else { request }.to_owned())
}

/// The object without metadata and status: what `generation` tracks.
fn spec_part(object: &Value) -> Value {
    match object {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "metadata" && k.as_str() != "status")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn set_status(object: &mut Value, status: Option<Value>) {
    if let Value::Object(map) = object {
        match status {
            Some(status) => {
                map.insert("status".into(), status);
            }
            None => {
                map.remove("status");
            }
        }
    }
}

/// The stored object to write for an update of `subresource` with `incoming`: the main
/// resource keeps the stored status; `status` changes only the status.
fn merge_subresource(
    existing: &Value,
    incoming: Value,
    subresource: &str,
) -> Result<Value, StatusError> {
    match subresource {
        "" => {
            let mut new = incoming;
            set_status(&mut new, existing.get("status").cloned());
            Ok(new)
        }
        "status" => {
            let mut new = existing.clone();
            set_status(&mut new, incoming.get("status").cloned());
            Ok(new)
        }
        _ => Err(not_served()),
    }
}

/// 404 for paths the fake does not serve.
pub(crate) fn not_served() -> StatusError {
    let mut status = Status::failure(
        404,
        StatusReason::NotFound,
        "the server could not find the requested resource",
    );
    status.details = Some(StatusDetails::default());
    StatusError::from(status)
}

fn conflict(key: &ResourceKey, name: &str, message: &str) -> StatusError {
    StatusError::new_conflict(&group_resource(key), name, message)
}

const STALE: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

impl Store {
    fn scope(&self, key: &ResourceKey) -> Option<Scope> {
        self.resources.get(key).map(|r| r.scope)
    }

    /// The kind of a resource when it is certain: registered, or built in.
    fn known_kind(&self, key: &ResourceKey) -> Option<String> {
        if let Some(resource) = self.resources.get(key) {
            return Some(resource.kind.clone());
        }
        discovery::builtin_kind(&key.0, &key.2).map(str::to_owned)
    }

    /// The kind of a resource: registered or built in, else from a stored object, else
    /// guessed from the plural.
    fn kind(&self, key: &ResourceKey) -> String {
        if let Some(kind) = self.known_kind(key) {
            return kind;
        }
        let stored = self
            .objects
            .get(key)
            .and_then(|objects| objects.values().next())
            .map(|o| object::top_str(o, "kind"))
            .filter(|k| !k.is_empty());
        if let Some(kind) = stored {
            return kind.to_owned();
        }
        let plural = key.2.as_str();
        let singular = if let Some(stem) = plural.strip_suffix("ies") {
            format!("{stem}y")
        } else if let Some(stem) = plural.strip_suffix("ses") {
            format!("{stem}s")
        } else {
            plural.strip_suffix('s').unwrap_or(plural).to_owned()
        };
        let mut chars = singular.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }

    /// A create or update body of a custom resource must name its type, as the API
    /// server's decoder has no Go type to fall back on: a missing `kind` is a 400
    /// BadRequest quoting the body (`body`, the request's bytes, else `object` encoded),
    /// and so is an `apiVersion` other than the URL's. Built-in resources pass (their
    /// missing type is filled in).
    fn check_type_meta(
        &self,
        key: &ResourceKey,
        object: &Value,
        body: Option<&[u8]>,
    ) -> Result<(), StatusError> {
        if discovery::is_builtin_group(&key.0) {
            return Ok(());
        }
        if object::top_str(object, "kind").is_empty() {
            let encoded;
            let data = match body {
                Some(body) => body,
                None => {
                    encoded = serde_json::to_vec(object).unwrap_or_default();
                    &encoded
                }
            };
            return Err(missing_kind(&self.kind(key), data));
        }
        let expected = GroupVersion::new(key.0.clone(), key.1.clone()).to_string();
        let given = object::top_str(object, "apiVersion");
        if given != expected {
            return Err(bad_request(&format!(
                "the API version in the data ({given}) does not match the expected API version ({expected})"
            )));
        }
        Ok(())
    }

    /// Fills in a missing `apiVersion` or `kind` of a built-in resource's object, as the
    /// API server does by decoding into the type of the URL. Custom resources are left
    /// alone: their type is never guessed ([`check_type_meta`](Self::check_type_meta)).
    fn fill_type_meta(&self, key: &ResourceKey, object: &mut Value) {
        if !discovery::is_builtin_group(&key.0) {
            return;
        }
        let api_version = GroupVersion::new(key.0.clone(), key.1.clone()).to_string();
        let kind = self.kind(key);
        if let Value::Object(map) = object {
            for (field, value) in [("apiVersion", api_version), ("kind", kind)] {
                let missing = map
                    .get(field)
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
                if missing && !value.is_empty() {
                    map.insert(field.into(), Value::String(value));
                }
            }
        }
    }

    fn get(&self, key: &ResourceKey, namespace: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(key)?
            .get(&(namespace.to_owned(), name.to_owned()))
    }

    fn require(
        &self,
        key: &ResourceKey,
        namespace: &str,
        name: &str,
    ) -> Result<Value, StatusError> {
        self.get(key, namespace, name)
            .cloned()
            .ok_or_else(|| StatusError::new_not_found(&group_resource(key), name))
    }

    /// Stores `object` under the next resource version and tells the watchers.
    fn write(
        &mut self,
        key: &ResourceKey,
        kind: EventKind,
        mut object: Value,
        old: Option<Value>,
    ) -> Value {
        self.rv += 1;
        set_meta_str(&mut object, "resourceVersion", &self.rv.to_string());
        let id = (
            object::namespace(&object).to_owned(),
            object::name(&object).to_owned(),
        );
        let objects = self.objects.entry(key.clone()).or_default();
        if kind == EventKind::Deleted {
            objects.remove(&id);
        } else {
            objects.insert(id.clone(), object.clone());
        }
        self.emit(Event {
            rv: self.rv,
            resource: key.clone(),
            namespace: id.0,
            kind,
            object: object.clone(),
            old,
        });
        object
    }

    fn emit(&mut self, event: Event) {
        let event = Arc::new(event);
        self.history.push_back(Arc::clone(&event));
        while self.history.len() > self.history_limit {
            if let Some(dropped) = self.history.pop_front() {
                self.floor = dropped.rv;
            }
        }
        self.watchers.retain(|watcher| {
            let interested = watcher.resource == event.resource
                && (watcher.namespace.is_empty() || watcher.namespace == event.namespace);
            if interested {
                watcher.sender.send(Arc::clone(&event)).is_ok()
            } else {
                !watcher.sender.is_closed()
            }
        });
    }

    /// Creates `object` (`body`: the request's bytes, for error messages). The status
    /// is dropped: every resource is treated as having a status subresource.
    fn create(
        &mut self,
        key: &ResourceKey,
        request_namespace: &str,
        mut object: Value,
        body: Option<&[u8]>,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        if !object.is_object() {
            return Err(bad_request("the request body must be a JSON object"));
        }
        self.check_type_meta(key, &object, body)?;
        set_status(&mut object, None);
        let namespace = resolve_namespace(self, key, request_namespace, &object)?;
        set_meta_str(&mut object, "namespace", &namespace);
        self.fill_type_meta(key, &mut object);
        let mut name = object::name(&object).to_owned();
        if name.is_empty() {
            let prefix = meta_str(&object, "generateName").to_owned();
            if prefix.is_empty() {
                return Err(invalid(
                    &self.kind(key),
                    key,
                    "",
                    "metadata.name: Required value: name or generateName is required",
                ));
            }
            name = object::generate_name(&prefix);
            for _ in 0..8 {
                if self.get(key, &namespace, &name).is_none() {
                    break;
                }
                name = object::generate_name(&prefix);
            }
            set_meta_str(&mut object, "name", &name);
        }
        if self.get(key, &namespace, &name).is_some() {
            return Err(StatusError::new_already_exists(&group_resource(key), &name));
        }
        let metadata = meta_mut(&mut object);
        metadata.insert("uid".into(), Value::String(object::new_uid()));
        metadata.insert("creationTimestamp".into(), Value::String(object::now()));
        metadata.insert("generation".into(), json!(1));
        metadata.remove("resourceVersion");
        metadata.remove("deletionTimestamp");
        if dry_run {
            return Ok(object);
        }
        Ok(self.write(key, EventKind::Added, object, None))
    }

    /// Writes `new` over `existing`: identity and deletion state are kept, the
    /// generation follows spec changes, a no-op writes nothing, and an object being
    /// deleted goes away once its last finalizer is removed.
    fn replace(
        &mut self,
        key: &ResourceKey,
        existing: Value,
        mut new: Value,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        if !new.is_object() {
            return Err(bad_request("the object must be a JSON object"));
        }
        let spec_changed = spec_part(&existing) != spec_part(&new);
        let metadata = meta_mut(&mut new);
        for field in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match existing.get("metadata").and_then(|m| m.get(field)) {
                Some(value) => metadata.insert(field.into(), value.clone()),
                None => metadata.remove(field),
            };
        }
        let mut generation = existing
            .get("metadata")
            .and_then(|m| m.get("generation"))
            .and_then(Value::as_i64)
            .unwrap_or(1);
        if spec_changed {
            generation += 1;
        }
        metadata.insert("generation".into(), json!(generation));
        metadata.insert(
            "resourceVersion".into(),
            Value::String(object::resource_version(&existing).to_owned()),
        );
        self.fill_type_meta(key, &mut new);
        if new == existing {
            return Ok(existing);
        }
        if dry_run {
            return Ok(new);
        }
        let deleting = !meta_str(&new, "deletionTimestamp").is_empty();
        if deleting && !object::has_finalizers(&new) {
            return Ok(self.write(key, EventKind::Deleted, new, None));
        }
        Ok(self.write(key, EventKind::Modified, new, Some(existing)))
    }

    fn delete(
        &mut self,
        key: &ResourceKey,
        namespace: &str,
        name: &str,
        preconditions: Option<&Preconditions>,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        let existing = self.require(key, namespace, name)?;
        if let Some(preconditions) = preconditions {
            let checks = [
                (
                    "UID",
                    preconditions.uid.as_deref(),
                    meta_str(&existing, "uid"),
                ),
                (
                    "ResourceVersion",
                    preconditions.resource_version.as_deref(),
                    object::resource_version(&existing),
                ),
            ];
            for (what, wanted, have) in checks {
                if let Some(wanted) = wanted.filter(|w| *w != have) {
                    return Err(conflict(
                        key,
                        name,
                        &format!(
                            "Precondition failed: {what} in precondition: {wanted}, {what} in object meta: {have}"
                        ),
                    ));
                }
            }
        }
        if object::has_finalizers(&existing) {
            if !meta_str(&existing, "deletionTimestamp").is_empty() {
                return Ok(existing);
            }
            let mut marked = existing.clone();
            let metadata = meta_mut(&mut marked);
            metadata.insert("deletionTimestamp".into(), Value::String(object::now()));
            metadata.insert("deletionGracePeriodSeconds".into(), json!(0));
            if dry_run {
                return Ok(marked);
            }
            return Ok(self.write(key, EventKind::Modified, marked, Some(existing)));
        }
        if dry_run {
            return Ok(existing);
        }
        Ok(self.write(key, EventKind::Deleted, existing, None))
    }

    fn list(&self, key: &ResourceKey, namespace: &str, filter: &Filter) -> Vec<Value> {
        self.objects
            .get(key)
            .into_iter()
            .flat_map(|objects| objects.iter())
            .filter(|((ns, _), _)| namespace.is_empty() || ns == namespace)
            .map(|(_, object)| object)
            .filter(|object| filter.matches(object))
            .cloned()
            .collect()
    }

    /// The registered resource of a kind, registering a guess when there is none.
    fn resource_for(&mut self, gvk: &GroupVersionKind) -> ApiResource {
        let registered = self
            .resources
            .values()
            .find(|r| r.group == gvk.group && r.version == gvk.version && r.kind == gvk.kind);
        if let Some(resource) = registered {
            return resource.clone();
        }
        let guessed = crate::discovery::guess_resource(gvk);
        self.resources
            .insert(key_of(&guessed.group_version_resource()), guessed.clone());
        guessed
    }
}

/// A `*List` document of `items`.
pub(crate) fn list_document(api_version: &str, kind: &str, rv: u64, items: Vec<Value>) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": format!("{kind}List"),
        "metadata": {"resourceVersion": rv.to_string()},
        "items": items,
    })
}

impl ObjectTracker {
    pub(crate) fn new(history_limit: usize) -> Self {
        Self {
            store: Arc::new(Mutex::new(Store {
                rv: 0,
                objects: BTreeMap::new(),
                history: VecDeque::new(),
                history_limit: history_limit.max(1),
                floor: 0,
                watchers: Vec::new(),
                resources: BTreeMap::new(),
            })),
        }
    }

    /// The current (latest written) resource version.
    pub fn resource_version(&self) -> u64 {
        self.store.lock().rv
    }

    /// How many watches are open (those whose client went away are not counted).
    pub fn open_watches(&self) -> usize {
        let mut store = self.store.lock();
        store.watchers.retain(|w| !w.sender.is_closed());
        store.watchers.len()
    }

    /// Registers a resource: it appears in discovery, and its scope and kind are used
    /// for requests and seeded objects.
    pub fn register(&self, resource: ApiResource) {
        let key = key_of(&resource.group_version_resource());
        self.store.lock().resources.insert(key, resource);
    }

    /// The registered resources.
    pub fn resources(&self) -> Vec<ApiResource> {
        self.store.lock().resources.values().cloned().collect()
    }

    /// The registered resource for a group/version/resource, if any.
    pub fn resource(&self, gvr: &GroupVersionResource) -> Option<ApiResource> {
        self.store.lock().resources.get(&key_of(gvr)).cloned()
    }

    /// Adds or replaces `object` (client-go's `Tracker().Add`): its resource comes from
    /// `apiVersion` and `kind` (a registered resource of that kind, else a guess, which
    /// is then registered). Namespaced objects without a namespace go to `default`;
    /// cluster-scoped objects lose theirs. `uid`, `creationTimestamp` and `generation`
    /// are filled in when missing; the status is kept as given.
    pub fn add(&self, mut object: Value) -> Result<Value, Error> {
        if !object.is_object() {
            return Err(Error::InvalidObject("not a JSON object".into()));
        }
        let api_version = object::top_str(&object, "apiVersion").to_owned();
        let kind = object::top_str(&object, "kind").to_owned();
        if api_version.is_empty() || kind.is_empty() {
            return Err(Error::InvalidObject(
                "apiVersion and kind are required to seed an object".into(),
            ));
        }
        let gvk = GroupVersionKind::from_api_version_and_kind(&api_version, kind.clone());
        let mut store = self.store.lock();
        let resource = store.resource_for(&gvk);
        let key = key_of(&resource.group_version_resource());
        let namespace = match resource.scope {
            Scope::Cluster => "",
            Scope::Namespaced => match object::namespace(&object) {
                "" => "default",
                ns => ns,
            },
        }
        .to_owned();
        set_meta_str(&mut object, "namespace", &namespace);
        if object::name(&object).is_empty() {
            let prefix = meta_str(&object, "generateName");
            if prefix.is_empty() {
                return Err(Error::InvalidObject(format!(
                    "{kind} without metadata.name or metadata.generateName"
                )));
            }
            let name = object::generate_name(prefix);
            set_meta_str(&mut object, "name", &name);
        }
        let metadata = meta_mut(&mut object);
        metadata
            .entry("uid")
            .or_insert_with(|| Value::String(object::new_uid()));
        metadata
            .entry("creationTimestamp")
            .or_insert_with(|| Value::String(object::now()));
        metadata.entry("generation").or_insert(json!(1));
        let name = object::name(&object).to_owned();
        let old = store.get(&key, &namespace, &name).cloned();
        let kind = if old.is_some() {
            EventKind::Modified
        } else {
            EventKind::Added
        };
        Ok(store.write(&key, kind, object, old))
    }

    /// Adds or replaces a typed object (see [`add`](Self::add)); its resource is
    /// registered from the [`Resource`] implementation.
    pub fn add_typed<K: Resource + serde::Serialize>(&self, object: &K) -> Result<Value, Error> {
        self.register(ApiResource::of::<K>());
        let mut value = serde_json::to_value(object)?;
        if let Value::Object(map) = &mut value {
            map.insert(
                "apiVersion".into(),
                Value::String(K::api_version().into_owned()),
            );
            map.insert("kind".into(), Value::String(K::KIND.to_owned()));
        }
        self.add(value)
    }

    /// The object `name` in `namespace` (`""` for cluster-scoped resources).
    pub fn get(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        name: &str,
    ) -> Result<Value, StatusError> {
        let key = key_of(gvr);
        let store = self.store.lock();
        let namespace = if store.scope(&key) == Some(Scope::Cluster) {
            ""
        } else {
            namespace
        };
        store.require(&key, namespace, name)
    }

    /// The objects of a resource in `namespace` (`""`: all namespaces), by namespace and
    /// name.
    pub fn list(&self, gvr: &GroupVersionResource, namespace: &str) -> Vec<Value> {
        self.store
            .lock()
            .list(&key_of(gvr), namespace, &Filter::default())
    }

    /// Creates `object` as a `POST` would: a custom resource's object must have its
    /// `apiVersion` and `kind` (a built-in one gets them filled in), and the status is
    /// dropped.
    pub fn create(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        object: Value,
    ) -> Result<Value, StatusError> {
        self.create_with(gvr, namespace, object, None, false)
    }

    /// Replaces `object` (named by its metadata) as a `PUT` would: a custom resource's
    /// object must have its `apiVersion` and `kind`, and the stored status is kept.
    pub fn update(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        object: Value,
    ) -> Result<Value, StatusError> {
        let name = object::name(&object).to_owned();
        self.update_with(gvr, namespace, &name, "", object, None, false)
    }

    /// Deletes object `name` as a `DELETE` without options would.
    pub fn delete(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        name: &str,
    ) -> Result<Value, StatusError> {
        self.delete_with(gvr, namespace, name, None, false)
    }

    /// Creates `object`; `body` is the request's bytes, quoted by decoding errors.
    pub(crate) fn create_with(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        object: Value,
        body: Option<&[u8]>,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        self.store
            .lock()
            .create(&key_of(gvr), namespace, object, body, dry_run)
    }

    /// Replaces object `name` (or its status); `body` is the request's bytes, quoted by
    /// decoding errors.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn update_with(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        name: &str,
        subresource: &str,
        object: Value,
        body: Option<&[u8]>,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        if !object.is_object() {
            return Err(bad_request("the request body must be a JSON object"));
        }
        let key = key_of(gvr);
        let mut store = self.store.lock();
        store.check_type_meta(&key, &object, body)?;
        let body_name = object::name(&object);
        if !body_name.is_empty() && !name.is_empty() && body_name != name {
            return Err(bad_request(&format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        let name = if name.is_empty() { body_name } else { name }.to_owned();
        if name.is_empty() {
            return Err(invalid(
                &store.kind(&key),
                &key,
                "",
                "metadata.name: Required value: name is required",
            ));
        }
        let namespace = resolve_namespace(&store, &key, namespace, &object)?;
        let existing = store.require(&key, &namespace, &name)?;
        let wanted = object::resource_version(&object);
        if !wanted.is_empty() && wanted != object::resource_version(&existing) {
            return Err(conflict(&key, &name, STALE));
        }
        let new = merge_subresource(&existing, object, subresource)?;
        store.replace(&key, existing, new, dry_run)
    }

    /// Patches object `name`: `patch` turns the stored object into the new one. With
    /// `create` (server-side apply), a missing object is created from `patch` applied to
    /// an empty object; the flag of the answer says whether it was created.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn patch_with(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        name: &str,
        subresource: &str,
        dry_run: bool,
        create: bool,
        patch: &dyn Fn(&Value) -> Result<Value, StatusError>,
    ) -> Result<(Value, bool), StatusError> {
        let key = key_of(gvr);
        let mut store = self.store.lock();
        let namespace = if store.scope(&key) == Some(Scope::Cluster) {
            ""
        } else {
            namespace
        };
        let Some(existing) = store.get(&key, namespace, name).cloned() else {
            if !create || !subresource.is_empty() {
                return Err(StatusError::new_not_found(&group_resource(&key), name));
            }
            let mut object = patch(&json!({}))?;
            let body_name = object::name(&object);
            if !body_name.is_empty() && body_name != name {
                return Err(bad_request(&format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
            set_meta_str(&mut object, "name", name);
            return store
                .create(&key, namespace, object, None, dry_run)
                .map(|created| (created, true));
        };
        let mut patched = patch(&existing)?;
        if !patched.is_object() {
            return Err(invalid(
                &store.kind(&key),
                &key,
                name,
                "the patched object is not a JSON object",
            ));
        }
        if !discovery::is_builtin_group(&key.0) && object::top_str(&patched, "kind").is_empty() {
            // The API server decodes the patched custom resource, which then has no type.
            let data = patched.to_string();
            return Err(StatusError::from(Status::failure(
                422,
                StatusReason::Invalid,
                format!(
                    " \"\" is invalid: patch: Invalid value: {data:?}: Object 'Kind' is missing in '{data}'"
                ),
            )));
        }
        let wanted = object::resource_version(&patched);
        if !wanted.is_empty() && wanted != object::resource_version(&existing) {
            return Err(conflict(&key, name, STALE));
        }
        let patched_namespace = object::namespace(&patched);
        if !patched_namespace.is_empty() && patched_namespace != namespace {
            return Err(bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        set_meta_str(&mut patched, "name", name);
        let new = merge_subresource(&existing, patched, subresource)?;
        store
            .replace(&key, existing, new, dry_run)
            .map(|object| (object, false))
    }

    pub(crate) fn delete_with(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        name: &str,
        preconditions: Option<&Preconditions>,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        let key = key_of(gvr);
        let mut store = self.store.lock();
        let namespace = if store.scope(&key) == Some(Scope::Cluster) {
            ""
        } else {
            namespace
        };
        store.delete(&key, namespace, name, preconditions, dry_run)
    }

    /// Deletes every selected object; the answer is the list document of the deleted
    /// objects.
    pub(crate) fn delete_collection(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        filter: &Filter,
        dry_run: bool,
    ) -> Result<Value, StatusError> {
        let key = key_of(gvr);
        let mut store = self.store.lock();
        let selected = store.list(&key, namespace, filter);
        let mut deleted = Vec::new();
        for object in selected {
            let (ns, name) = (object::namespace(&object), object::name(&object));
            deleted.push(store.delete(&key, ns, name, None, dry_run)?);
        }
        let kind = store.kind(&key);
        Ok(list_document(
            &gvr.group_version().to_string(),
            &kind,
            store.rv,
            deleted,
        ))
    }

    /// The list document of the selected objects, at the current resource version.
    pub(crate) fn list_document(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        filter: &Filter,
    ) -> Value {
        let key = key_of(gvr);
        let store = self.store.lock();
        let items = store.list(&key, namespace, filter);
        let kind = store.kind(&key);
        list_document(&gvr.group_version().to_string(), &kind, store.rv, items)
    }

    /// The kind of a resource's objects (registered, built in, stored, or guessed).
    pub(crate) fn kind(&self, gvr: &GroupVersionResource) -> String {
        self.store.lock().kind(&key_of(gvr))
    }

    /// The kind of a resource's objects when it is certain (registered or built in).
    pub(crate) fn known_kind(&self, gvr: &GroupVersionResource) -> Option<String> {
        self.store.lock().known_kind(&key_of(gvr))
    }

    /// Registers a watch of a resource in `namespace` (`""`: all). Starting before the
    /// oldest remembered event is a 410 Expired error.
    pub(crate) fn subscribe(
        &self,
        gvr: &GroupVersionResource,
        namespace: &str,
        start: WatchStart,
    ) -> Result<Subscription, StatusError> {
        let key = key_of(gvr);
        let mut store = self.store.lock();
        let in_scope = |ns: &str| namespace.is_empty() || ns == namespace;
        let initial = match start {
            WatchStart::Now => Vec::new(),
            WatchStart::Current => store
                .objects
                .get(&key)
                .into_iter()
                .flat_map(|objects| objects.iter())
                .filter(|((ns, _), _)| in_scope(ns))
                .map(|((ns, _), object)| {
                    Arc::new(Event {
                        rv: object::resource_version(object).parse().unwrap_or_default(),
                        resource: key.clone(),
                        namespace: ns.clone(),
                        kind: EventKind::Added,
                        object: object.clone(),
                        old: None,
                    })
                })
                .collect(),
            WatchStart::After(rv) => {
                if rv < store.floor {
                    return Err(StatusError::new_resource_expired(&format!(
                        "too old resource version: {rv} ({})",
                        store.floor + 1
                    )));
                }
                store
                    .history
                    .iter()
                    .filter(|e| e.rv > rv && e.resource == key && in_scope(&e.namespace))
                    .cloned()
                    .collect()
            }
        };
        let (sender, events) = mpsc::unbounded_channel();
        store.watchers.push(Watcher {
            resource: key,
            namespace: namespace.to_owned(),
            sender,
        });
        Ok(Subscription {
            initial,
            events,
            rv: store.rv,
        })
    }

    /// Discovery documents need the registered resources and the address.
    pub(crate) fn with_resources<T>(
        &self,
        f: impl FnOnce(&BTreeMap<ResourceKey, ApiResource>) -> T,
    ) -> T {
        f(&self.store.lock().resources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientgo_apimachinery::ApiStatus as _;

    fn pods() -> GroupVersionResource {
        GroupVersionResource::new("", "v1", "pods")
    }

    fn pod(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "ns"}, "spec": {"x": 1}})
    }

    struct Wrapped(StatusError);
    impl clientgo_apimachinery::ApiStatus for Wrapped {
        fn api_status(&self) -> Option<&Status> {
            Some(self.0.status())
        }
    }

    #[test]
    fn one_global_resource_version_orders_every_write() {
        let tracker = ObjectTracker::new(10);
        let a = tracker.create(&pods(), "ns", pod("a")).unwrap();
        let b = tracker
            .create(
                &GroupVersionResource::new("", "v1", "configmaps"),
                "ns",
                json!({"metadata": {"name": "c"}}),
            )
            .unwrap();
        assert_eq!(object::resource_version(&a), "1");
        assert_eq!(object::resource_version(&b), "2");
        assert_eq!(b["kind"], "ConfigMap");
        assert_eq!(tracker.resource_version(), 2);
    }

    #[test]
    fn generation_follows_spec_changes_only() {
        let tracker = ObjectTracker::new(10);
        let created = tracker.create(&pods(), "ns", pod("a")).unwrap();
        let mut labelled = created.clone();
        labelled["metadata"]["labels"] = json!({"a": "b"});
        let labelled = tracker.update(&pods(), "ns", labelled).unwrap();
        assert_eq!(labelled["metadata"]["generation"], 1);
        let mut changed = labelled.clone();
        changed["spec"]["x"] = json!(2);
        let changed = tracker.update(&pods(), "ns", changed).unwrap();
        assert_eq!(changed["metadata"]["generation"], 2);
        // A no-op keeps the resource version.
        let again = tracker.update(&pods(), "ns", changed.clone()).unwrap();
        assert_eq!(again, changed);
        // Stale versions conflict.
        let stale = tracker.update(&pods(), "ns", created).unwrap_err();
        assert!(Wrapped(stale).is_conflict());
    }

    #[test]
    fn finalizers_delay_deletion() {
        let tracker = ObjectTracker::new(10);
        let mut object = pod("a");
        object["metadata"]["finalizers"] = json!(["x"]);
        tracker.create(&pods(), "ns", object).unwrap();
        let marked = tracker.delete(&pods(), "ns", "a").unwrap();
        assert!(marked["metadata"]["deletionTimestamp"].is_string());
        let mut released = marked.clone();
        released["metadata"]["finalizers"] = json!([]);
        tracker.update(&pods(), "ns", released).unwrap();
        assert!(Wrapped(tracker.get(&pods(), "ns", "a").unwrap_err()).is_not_found());
    }

    #[test]
    fn custom_resources_must_name_their_type() {
        let tracker = ObjectTracker::new(10);
        let widgets = GroupVersionResource::new("example.com", "v1", "widgets");
        let untyped = json!({"apiVersion": "example.com/v1", "metadata": {"name": "w"}});
        let missing = tracker.create(&widgets, "ns", untyped.clone()).unwrap_err();
        assert_eq!(missing.code(), 400);
        assert_eq!(missing.reason(), &StatusReason::BadRequest);
        assert_eq!(
            missing.message(),
            r#"the object provided is unrecognized (must be of type Widget): Object 'Kind' is missing in '{"apiVersion":"example.com/v1","metadata":{"name":"w"}}' ({"apiVersion":"example.com/v1" ...)"#
        );
        let mut typed = untyped.clone();
        typed["kind"] = json!("Widget");
        typed["apiVersion"] = json!("example.com/v2");
        let other_version = tracker.create(&widgets, "ns", typed.clone()).unwrap_err();
        assert_eq!(
            other_version.message(),
            "the API version in the data (example.com/v2) does not match the expected API version (example.com/v1)"
        );
        typed["apiVersion"] = json!("example.com/v1");
        tracker.create(&widgets, "ns", typed).unwrap();
        let update = tracker.update(&widgets, "ns", untyped).unwrap_err();
        assert_eq!(update.code(), 400);
        assert!(update.message().contains("Object 'Kind' is missing in '"));
        // Short bodies are quoted whole twice.
        assert_eq!(
            missing_kind("Widget", br#"{"metadata":{}}"#).message(),
            r#"the object provided is unrecognized (must be of type Widget): Object 'Kind' is missing in '{"metadata":{}}' ({"metadata":{}})"#
        );
        // Built-in resources get their real type filled in.
        let endpoints = GroupVersionResource::new("", "v1", "endpoints");
        let created = tracker
            .create(&endpoints, "ns", json!({"metadata": {"name": "e"}}))
            .unwrap();
        assert_eq!(
            (&created["apiVersion"], &created["kind"]),
            (&json!("v1"), &json!("Endpoints"))
        );
    }

    #[test]
    fn creates_drop_the_status_and_seeding_keeps_it() {
        let tracker = ObjectTracker::new(10);
        let mut object = pod("a");
        object["status"] = json!({"phase": "Running"});
        let created = tracker.create(&pods(), "ns", object.clone()).unwrap();
        assert!(created.get("status").is_none(), "{created}");
        assert!(
            tracker
                .get(&pods(), "ns", "a")
                .unwrap()
                .get("status")
                .is_none()
        );
        object["metadata"]["name"] = json!("b");
        let seeded = tracker.add(object).unwrap();
        assert_eq!(seeded["status"]["phase"], "Running");
    }

    #[test]
    fn the_history_is_bounded() {
        let tracker = ObjectTracker::new(2);
        for name in ["a", "b", "c"] {
            tracker.create(&pods(), "ns", pod(name)).unwrap();
        }
        assert!(
            tracker
                .subscribe(&pods(), "", WatchStart::After(0))
                .is_err()
        );
        let replay = tracker
            .subscribe(&pods(), "", WatchStart::After(1))
            .unwrap();
        assert_eq!(replay.initial.len(), 2);
    }
}
