//! Turns one HTTP request into an answer: discovery documents, or a recorded
//! [`Action`] answered by the reactors or the object tracker.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clientgo_apimachinery::meta::{DeleteOptions, Status, StatusReason};
use clientgo_apimachinery::patch::PatchType;
use clientgo_apimachinery::{GroupVersionKind, StatusError};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::http::request::Parts;
use hyper::{Method, Response, StatusCode};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::actions::{Action, Verb};
use crate::discovery::{self, Discovery};
use crate::patch::{PatchError, PatchMeta, json_patch, merge_patch, strategic_merge_patch};
use crate::reactors::{Reaction, Reactors};
use crate::routes::{ResourcePath, Route};
use crate::selectors::Filter;
use crate::tracker::{ObjectTracker, WatchStart, not_served};
use crate::watch::{self, WatchSettings};

/// The body of every answer.
pub(crate) type Body = UnsyncBoxBody<Bytes, Infallible>;

/// What the request handlers share.
pub(crate) struct Shared {
    pub(crate) tracker: ObjectTracker,
    pub(crate) reactors: Reactors,
    pub(crate) actions: Mutex<Vec<Action>>,
    pub(crate) patch_meta: Arc<dyn PatchMeta>,
    pub(crate) bookmark_interval: Duration,
    pub(crate) address: String,
}

fn json_response(code: StatusCode, value: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)).boxed_unsync());
    *response.status_mut() = code;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// A status as the API server writes it (kind, apiVersion, empty list metadata).
pub(crate) fn status_value(status: &Status) -> Value {
    let mut status = status.clone();
    status.kind = Some("Status".into());
    status.api_version = Some("v1".into());
    if status.status.is_none() {
        status.status = Some("Failure".into());
    }
    let mut value = serde_json::to_value(status).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        map.entry("metadata").or_insert_with(|| json!({}));
    }
    value
}

fn status_response(status: &Status) -> Response<Body> {
    let code = u16::try_from(status.code)
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
        .filter(|c| c.as_u16() >= 100)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(code, &status_value(status))
}

fn error_response(error: &StatusError) -> Response<Body> {
    status_response(error.status())
}

fn bad_request(message: &str) -> StatusError {
    StatusError::new_bad_request(message)
}

fn patch_error(error: PatchError) -> StatusError {
    match error {
        PatchError::Malformed(message) => bad_request(&message),
        PatchError::Failed(message) => {
            StatusError::from(Status::failure(422, StatusReason::Invalid, message))
        }
    }
}

/// Answers one request.
pub(crate) fn respond(shared: &Shared, parts: &Parts, body: &Bytes) -> Response<Body> {
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    match Route::parse(parts.uri.path()) {
        Route::Resource(path) => resource_request(shared, parts, body, path, query),
        route if parts.method == Method::GET => {
            let found = shared.tracker.with_resources(|resources| {
                let discovery = Discovery {
                    resources,
                    address: &shared.address,
                };
                match route {
                    Route::Version => Some(discovery::version()),
                    Route::Health => Some(Value::String("ok".into())),
                    Route::CoreVersions => Some(discovery.core_versions()),
                    Route::Groups => Some(discovery.group_list()),
                    Route::Group(name) => discovery.group(&name),
                    Route::ResourceList { group, version } => {
                        discovery.resource_list(&group, &version)
                    }
                    Route::Resource(_) | Route::Unknown => None,
                }
            });
            match found {
                Some(Value::String(text)) => {
                    Response::new(Full::new(Bytes::from(text)).boxed_unsync())
                }
                Some(document) => json_response(StatusCode::OK, &document),
                None => error_response(&not_served()),
            }
        }
        _ => error_response(&method_not_allowed()),
    }
}

fn method_not_allowed() -> StatusError {
    StatusError::from(Status::failure(
        405,
        StatusReason::MethodNotAllowed,
        "the server does not allow this method on the requested resource",
    ))
}

fn verb_of(method: &Method, path: &ResourcePath, query: &[(String, String)]) -> Option<Verb> {
    let named = !path.name.is_empty();
    let watch = query
        .iter()
        .any(|(k, v)| k == "watch" && (v == "true" || v == "1"));
    Some(match *method {
        Method::GET if named => Verb::Get,
        Method::GET if watch => Verb::Watch,
        Method::GET => Verb::List,
        Method::POST => Verb::Create,
        Method::PUT if named => Verb::Update,
        Method::PATCH if named => Verb::Patch,
        Method::DELETE if named => Verb::Delete,
        Method::DELETE => Verb::DeleteCollection,
        _ => return None,
    })
}

/// The request's action, and why its body is unusable (if it is).
fn action_of(
    verb: Verb,
    parts: &Parts,
    body: &Bytes,
    path: ResourcePath,
    query: Vec<(String, String)>,
) -> (Action, Option<StatusError>) {
    let mut action = Action {
        verb,
        resource: path.resource,
        subresource: path.subresource,
        namespace: path.namespace,
        name: path.name,
        object: None,
        patch: None,
        patch_type: None,
        delete_options: None,
        query,
    };
    let mut problem = None;
    match verb {
        Verb::Create | Verb::Update => match serde_json::from_slice::<Value>(body) {
            Ok(object) if object.is_object() => action.object = Some(object),
            Ok(_) => problem = Some(bad_request("the request body must be a JSON object")),
            Err(error) => {
                problem = Some(bad_request(&format!(
                    "the request body is not valid JSON: {error}"
                )))
            }
        },
        Verb::Patch => {
            let content_type = parts
                .headers
                .get(hyper::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            action.patch_type = PatchType::from_content_type(content_type);
            let parsed = match action.patch_type {
                None | Some(PatchType::ApplyCbor) => Err(StatusError::from(Status::failure(
                    415,
                    StatusReason::UnsupportedMediaType,
                    format!(
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {content_type:?})"
                    ),
                ))),
                Some(PatchType::Apply) => serde_json::from_slice::<Value>(body)
                    .or_else(|_| serde_yaml::from_slice::<Value>(body))
                    .map_err(|error| {
                        bad_request(&format!("the apply body is neither JSON nor YAML: {error}"))
                    }),
                Some(_) => serde_json::from_slice::<Value>(body)
                    .map_err(|error| bad_request(&format!("the patch is not valid JSON: {error}"))),
            };
            match parsed {
                Ok(patch) => action.patch = Some(patch),
                Err(error) => problem = Some(error),
            }
        }
        Verb::Delete | Verb::DeleteCollection => {
            if body.iter().all(u8::is_ascii_whitespace) {
                action.delete_options = Some(DeleteOptions::default());
            } else {
                match serde_json::from_slice::<DeleteOptions>(body) {
                    Ok(options) => action.delete_options = Some(options),
                    Err(error) => {
                        problem = Some(bad_request(&format!("invalid DeleteOptions: {error}")))
                    }
                }
            }
        }
        Verb::Get | Verb::List | Verb::Watch => {}
    }
    (action, problem)
}

fn resource_request(
    shared: &Shared,
    parts: &Parts,
    body: &Bytes,
    path: ResourcePath,
    query: Vec<(String, String)>,
) -> Response<Body> {
    let Some(verb) = verb_of(&parts.method, &path, &query) else {
        return error_response(&method_not_allowed());
    };
    let (action, problem) = action_of(verb, parts, body, path, query);
    shared.actions.lock().push(action.clone());
    if let Some(reaction) = shared.reactors.react(&action) {
        return match reaction {
            Reaction::Object(object) if verb == Verb::Create => {
                json_response(StatusCode::CREATED, &object)
            }
            Reaction::Object(object) => json_response(StatusCode::OK, &object),
            Reaction::Error(status) => status_response(&status),
        };
    }
    if let Some(problem) = problem {
        return error_response(&problem);
    }
    if verb == Verb::Watch {
        if let Some(events) = shared.reactors.react_watch(&action) {
            return stream_response(StreamBody::new(watch::reactor_stream(events)).boxed_unsync());
        }
        return match watch_response(shared, &action) {
            Ok(response) => response,
            Err(error) => error_response(&error),
        };
    }
    match track(shared, &action, body) {
        Ok((code, object)) => json_response(code, &object),
        Err(error) => error_response(&error),
    }
}

fn filter_of(action: &Action) -> Result<Filter, StatusError> {
    Filter::parse(
        action.query_param("labelSelector").unwrap_or_default(),
        action.query_param("fieldSelector").unwrap_or_default(),
    )
}

/// The object tracker's answer to an action (`body`: the request's bytes).
fn track(
    shared: &Shared,
    action: &Action,
    body: &Bytes,
) -> Result<(StatusCode, Value), StatusError> {
    let tracker = &shared.tracker;
    let gvr = &action.resource;
    let (ns, name, sub) = (&action.namespace, &action.name, &action.subresource);
    let dry_run = action.is_dry_run();
    let object = || action.object.clone().unwrap_or_default();
    match action.verb {
        Verb::Get => match sub.as_str() {
            "" | "status" => Ok((StatusCode::OK, tracker.get(gvr, ns, name)?)),
            _ => Err(not_served()),
        },
        Verb::List => Ok((
            StatusCode::OK,
            tracker.list_document(gvr, ns, &filter_of(action)?),
        )),
        Verb::Create if !sub.is_empty() => {
            // Posting to a subresource (eviction, binding, ...): the parent must exist;
            // the body is echoed.
            tracker.get(gvr, ns, name)?;
            Ok((StatusCode::CREATED, object()))
        }
        Verb::Create => Ok((
            StatusCode::CREATED,
            tracker.create_with(gvr, ns, object(), Some(body), dry_run)?,
        )),
        Verb::Update => Ok((
            StatusCode::OK,
            tracker.update_with(gvr, ns, name, sub, object(), Some(body), dry_run)?,
        )),
        Verb::Patch => patch(shared, action, dry_run),
        Verb::Delete => {
            let preconditions = action
                .delete_options
                .as_ref()
                .and_then(|o| o.preconditions.as_ref());
            Ok((
                StatusCode::OK,
                tracker.delete_with(gvr, ns, name, preconditions, dry_run)?,
            ))
        }
        Verb::DeleteCollection => Ok((
            StatusCode::OK,
            tracker.delete_collection(gvr, ns, &filter_of(action)?, dry_run)?,
        )),
        Verb::Watch => Err(not_served()),
    }
}

fn patch(
    shared: &Shared,
    action: &Action,
    dry_run: bool,
) -> Result<(StatusCode, Value), StatusError> {
    let patch = action.patch.clone().unwrap_or_default();
    let patch_type = action.patch_type.unwrap_or(PatchType::Merge);
    let apply = patch_type.is_apply();
    if apply
        && action
            .query_param("fieldManager")
            .unwrap_or_default()
            .is_empty()
    {
        return Err(StatusError::from(Status::failure(
            422,
            StatusReason::Invalid,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        )));
    }
    if apply {
        check_applied_type(shared, &action.resource, &patch)?;
    }
    let kind = shared.tracker.kind(&action.resource);
    let meta = Arc::clone(&shared.patch_meta);
    let resource = action.resource.clone();
    let apply_patch = move |existing: &Value| -> Result<Value, StatusError> {
        let mut patched = existing.clone();
        match patch_type {
            PatchType::Merge => merge_patch(&mut patched, &patch),
            PatchType::Json => json_patch(&mut patched, &patch).map_err(patch_error)?,
            PatchType::StrategicMerge | PatchType::Apply | PatchType::ApplyCbor => {
                let api_version = crate::object::top_str(existing, "apiVersion");
                let gvk = if api_version.is_empty() {
                    GroupVersionKind::new(
                        resource.group.clone(),
                        resource.version.clone(),
                        kind.clone(),
                    )
                } else {
                    let kind = match crate::object::top_str(existing, "kind") {
                        "" => kind.as_str(),
                        stored => stored,
                    };
                    GroupVersionKind::from_api_version_and_kind(api_version, kind)
                };
                patched = strategic_merge_patch(existing, &patch, &gvk, meta.as_ref())
                    .map_err(patch_error)?;
            }
        }
        Ok(patched)
    };
    let (object, created) = shared.tracker.patch_with(
        &action.resource,
        &action.namespace,
        &action.name,
        &action.subresource,
        dry_run,
        apply,
        &apply_patch,
    )?;
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, object))
}

/// Server-side apply takes the type of the applied object as given: it must be the
/// resource's group, version and kind (the kind is compared when the fake knows it),
/// else the answer is a 400 BadRequest naming the type, also for a missing `apiVersion`
/// or `kind` (never filled in, even for built-in resources).
fn check_applied_type(
    shared: &Shared,
    gvr: &clientgo_apimachinery::GroupVersionResource,
    applied: &Value,
) -> Result<(), StatusError> {
    let api_version = crate::object::top_str(applied, "apiVersion");
    let kind = crate::object::top_str(applied, "kind");
    let kind_matches = !kind.is_empty()
        && shared
            .tracker
            .known_kind(gvr)
            .is_none_or(|known| known == kind);
    if kind_matches && api_version == gvr.group_version().to_string() {
        return Ok(());
    }
    // Written like Go's GroupVersionKind ("group/version, Kind=kind"); the core group is
    // empty, and an unparsable apiVersion names no group and version.
    let (group, version) = match api_version.split_once('/') {
        None => ("", api_version),
        Some((_, version)) if version.contains('/') => ("", ""),
        Some(pair) => pair,
    };
    Err(bad_request(&format!(
        "invalid object type: {group}/{version}, Kind={kind}"
    )))
}

fn watch_response(shared: &Shared, action: &Action) -> Result<Response<Body>, StatusError> {
    let filter = filter_of(action)?;
    let flag = |name: &str| action.query_param(name).map(|v| v == "true" || v == "1");
    let rv = action.query_param("resourceVersion").unwrap_or_default();
    let send_initial = flag("sendInitialEvents");
    let start =
        match (send_initial, rv) {
            (Some(true), _) => WatchStart::Current,
            (Some(false), "" | "0") => WatchStart::Now,
            (_, "" | "0") => WatchStart::Current,
            (_, rv) => WatchStart::After(rv.parse().map_err(|_| {
                bad_request(&format!("invalid resource version {rv:?}: not a number"))
            })?),
        };
    if send_initial == Some(true)
        && action.query_param("resourceVersionMatch") != Some("NotOlderThan")
    {
        return Err(StatusError::from(Status::failure(
            422,
            StatusReason::Invalid,
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
        )));
    }
    let bookmarks = flag("allowWatchBookmarks") == Some(true);
    let timeout = action
        .query_param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .filter(|t| *t > 0)
        .map(Duration::from_secs);
    let settings = WatchSettings {
        filter,
        bookmarks: bookmarks.then_some(shared.bookmark_interval),
        initial_events_end: send_initial == Some(true) && bookmarks,
        timeout,
        api_version: action.resource.group_version().to_string(),
        kind: shared.tracker.kind(&action.resource),
    };
    let body = match shared
        .tracker
        .subscribe(&action.resource, &action.namespace, start)
    {
        Ok(subscription) => StreamBody::new(watch::stream(
            subscription,
            shared.tracker.clone(),
            settings,
        ))
        .boxed_unsync(),
        // Like the API server: a 200 answer whose only event is the error.
        Err(error) => Full::new(watch::error_line(&error)).boxed_unsync(),
    };
    Ok(stream_response(body))
}

fn stream_response(body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}
