//! An in-process fake Kubernetes API server for unit tests (client-go's `testing`
//! package and fake clientsets), reached through the same REST layer as a real server.
//!
//! [`FakeApiServer`] listens on `127.0.0.1:<random port>` inside the test process and
//! hands out a [`clientgo_rest::Config`] ([`FakeApiServer::rest_config`]), so
//! `RestClient`, `clientgo_dynamic::DynamicClient` and anything built on them work
//! against it unchanged.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use clientgo_apimachinery::meta::{GetOptions, ListOptions};
//! use clientgo_apimachinery::{ApiStatus, GroupVersionResource};
//! use clientgo_dynamic::DynamicClient;
//! use clientgo_testing::{FakeApiServer, Reaction};
//! use serde_json::json;
//!
//! let fake = FakeApiServer::with_objects([json!({
//!     "apiVersion": "v1",
//!     "kind": "Pod",
//!     "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
//! })])
//! .await?;
//! let client = DynamicClient::new(&fake.rest_config())?;
//! let pods = client.resource(&GroupVersionResource::new("", "v1", "pods")).namespace("default");
//!
//! let list = pods.list(&ListOptions::default().with_label_selector("app=web")).await?;
//! assert_eq!(list.items.len(), 1);
//!
//! // Inject an error for one verb and resource.
//! fake.prepend_reactor("get", "pods", |_| {
//!     Some(Reaction::error(404, clientgo_apimachinery::meta::StatusReason::NotFound, "gone"))
//! });
//! assert!(pods.get("web", &GetOptions::default(), &[]).await.unwrap_err().is_not_found());
//!
//! // Every request is recorded.
//! let verbs: Vec<&str> = fake.actions().iter().map(|a| a.verb.as_str()).collect();
//! assert_eq!(verbs, ["list", "get"]);
//! # Ok(()) }
//! ```
//!
//! # What the fake does
//!
//! - **Storage** ([`ObjectTracker`]): JSON objects keyed by group, version, resource,
//!   namespace and name. Creates set `uid`, `creationTimestamp` (whole seconds, UTC),
//!   `generation: 1` and a `resourceVersion`; one global counter (like etcd) versions
//!   every write, and lists carry it. A stale `metadata.resourceVersion` on update or
//!   patch is a 409 Conflict, an empty one is unconditional; `generation` grows when
//!   anything outside `metadata` and `status` changes; a write that changes nothing
//!   keeps the version. `generateName` gets five random characters. Objects with
//!   finalizers get a `deletionTimestamp` on delete and go away when the last finalizer
//!   is removed.
//! - **Status**: every resource is treated as having a `status` subresource: creates
//!   drop the `.status` of the body (a real server answers for some built-in types with
//!   an empty or defaulted status instead, e.g. a pod's `Pending` phase), updates and
//!   patches of the main resource keep the stored `.status`, those of `status` change
//!   only `.status`. Seeded objects keep the status they are given.
//! - **Types**: create and update bodies of built-in resources (the groups the API server
//!   serves itself) get a missing `apiVersion` or `kind` filled in, like a real server
//!   decoding into the type of the URL. Those of custom resources (any other group) must
//!   name their type, never guessed: without `kind` they are a 400 BadRequest (`the
//!   object provided is unrecognized (must be of type <Kind>): Object 'Kind' is missing
//!   in '<body>' ...`), with another `apiVersion` than the URL's too, and a patch that
//!   removes the `kind` of a custom resource is a 422 Invalid. Server-side apply never
//!   fills in: an applied object without `kind`, or of another group, version or known
//!   kind, is a 400 BadRequest (`invalid object type: ...`) for every resource.
//! - **Errors** are `Status` bodies as the API server writes them, so the predicates of
//!   `clientgo_apimachinery::ApiStatus` (`is_not_found`, `is_conflict`,
//!   `is_already_exists`, ...) work on `clientgo_rest::Error`. Bad input (malformed
//!   JSON, selectors or patches) is a 400 or 422, never a panic.
//! - **Lists** honour label selectors and field selectors; field selectors accept any
//!   dotted path into the object (a real server accepts only a few per resource).
//!   `limit` and `continue` are ignored: every list is one page.
//! - **Watches** stream newline-delimited events. `resourceVersion` `""`/`"0"` starts
//!   with `ADDED` events for the current objects; a number replays the remembered
//!   events after it ([`DEFAULT_HISTORY_LIMIT`]), or answers with a `410 Expired` ERROR
//!   event when it is older. Bookmarks, `sendInitialEvents` with the
//!   `k8s.io/initial-events-end` bookmark, selectors and `timeoutSeconds` are supported.
//! - **Patches**: merge (RFC 7386), JSON (RFC 6902) and strategic merge with list merge
//!   keys from a [`PatchMeta`](patch::PatchMeta) (default
//!   [`BuiltinPatchMeta`](patch::BuiltinPatchMeta), also used for custom resources,
//!   which a real server would refuse). Server-side apply creates missing objects and
//!   otherwise merges like a strategic merge patch; it requires `fieldManager` but does
//!   not track field ownership (no `managedFields`, no apply conflicts). `dryRun=All`
//!   answers without storing.
//! - **Deletes** honour `uid` and `resourceVersion` preconditions and answer with the
//!   deleted object; delete-collection answers with the list of deleted objects.
//! - **Discovery** (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) lists the
//!   registered resources (seeded kinds are registered automatically); `/version` is
//!   fixed. Requests for unregistered resources still work (any path is stored), they
//!   just do not appear in discovery.
//! - **Reactors** ([`FakeApiServer::prepend_reactor`]) answer chosen verbs and
//!   resources before the tracker, watch reactors
//!   ([`FakeApiServer::prepend_watch_reactor`]) stream events chosen by the test; every
//!   resource request is recorded as an [`Action`]
//!   ([`FakeApiServer::actions`]).
//! - Subresources other than `status` are not served (404) unless a reactor answers
//!   them; a POST to a subresource of an existing object echoes its body.

mod actions;
mod discovery;
mod error;
mod handler;
mod object;
pub mod patch;
mod reactors;
mod routes;
mod selectors;
mod server;
mod tracker;
mod watch;

pub use actions::{Action, Verb};
pub use error::Error;
pub use reactors::{Reaction, ReactorFn, WatchReactorFn};
pub use server::{
    DEFAULT_BOOKMARK_INTERVAL, DEFAULT_HISTORY_LIMIT, FakeApiServer, FakeApiServerBuilder,
};
pub use tracker::ObjectTracker;
