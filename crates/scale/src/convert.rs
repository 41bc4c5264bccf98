//! Scales of every version the server may speak (`autoscaling/v1`,
//! `extensions/v1beta1`, `apps/v1beta1`, `apps/v1beta2`) to and from [`Scale`].

use std::collections::BTreeMap;

use clientgo_apimachinery::meta::ObjectMeta;
use clientgo_apimachinery::schema::GroupVersionKind;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::{Scale, ScaleSpec, ScaleStatus};

/// `autoscaling/v1`, whose status selector is a string.
const AUTOSCALING_V1: &str = "autoscaling/v1";
/// The older versions, whose status has a `selector` map and a `targetSelector` string.
const LEGACY: [&str; 3] = ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"];

fn int(value: &Value, path: &[&str]) -> Result<i32> {
    let mut current = value;
    for key in path {
        match current.get(key) {
            Some(next) => current = next,
            None => return Ok(0),
        }
    }
    if current.is_null() {
        return Ok(0);
    }
    current
        .as_i64()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| Error::NotConvertible(format!("{} is not a 32-bit integer", path.join("."))))
}

/// A Scale of any known version as an autoscaling/v1 [`Scale`].
pub(crate) fn from_value(value: &Value) -> Result<Scale> {
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let legacy = LEGACY.contains(&api_version);
    if kind != "Scale" || !(legacy || api_version == AUTOSCALING_V1) {
        return Err(Error::NotConvertible(format!(
            "apiVersion {api_version:?}, kind {kind:?}"
        )));
    }
    let metadata: ObjectMeta = match value.get("metadata") {
        Some(meta) => serde_json::from_value(meta.clone())
            .map_err(|e| Error::NotConvertible(e.to_string()))?,
        None => ObjectMeta::default(),
    };
    let status = value.get("status");
    let text = |key: &str| {
        status
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let selector = if legacy {
        text("targetSelector").map(str::to_string).or_else(|| {
            let map = status?.get("selector")?.as_object()?;
            let pairs: BTreeMap<&str, &str> = map
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                .collect();
            (!pairs.is_empty()).then(|| {
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            })
        })
    } else {
        text("selector").map(str::to_string)
    };
    Ok(Scale {
        api_version: Some(AUTOSCALING_V1.into()),
        kind: Some("Scale".into()),
        metadata,
        spec: Some(ScaleSpec {
            replicas: Some(int(value, &["spec", "replicas"])?),
        }),
        status: Some(Box::new(ScaleStatus {
            replicas: int(value, &["status", "replicas"])?,
            selector: selector.map(Into::into),
        })),
    })
}

/// `scale` as the Scale version `target` (what the server expects for a resource).
pub(crate) fn to_value(scale: &Scale, target: &GroupVersionKind) -> Result<Value> {
    let api_version = target.api_version();
    let metadata =
        serde_json::to_value(&scale.metadata).map_err(|e| Error::NotConvertible(e.to_string()))?;
    if api_version == AUTOSCALING_V1 {
        let mut value =
            serde_json::to_value(scale).map_err(|e| Error::NotConvertible(e.to_string()))?;
        value["apiVersion"] = json!(AUTOSCALING_V1);
        value["kind"] = json!(target.kind);
        return Ok(value);
    }
    if !LEGACY.contains(&api_version.as_str()) {
        return Err(Error::NotConvertible(format!(
            "unknown Scale version {api_version}"
        )));
    }
    let observed = scale.status.clone().unwrap_or_default();
    let mut status = json!({"replicas": observed.replicas});
    if let Some(selector) = &observed.selector {
        status["targetSelector"] = json!(selector);
        // Equality-only selectors also fit the map.
        let pairs: Option<BTreeMap<&str, &str>> = selector
            .split(',')
            .map(|term| {
                term.split_once('=')
                    .filter(|(k, v)| !k.contains('!') && !v.starts_with('='))
            })
            .collect();
        if let Some(pairs) = pairs {
            status["selector"] = json!(pairs);
        }
    }
    Ok(json!({
        "apiVersion": api_version,
        "kind": target.kind,
        "metadata": metadata,
        "spec": {"replicas": scale.spec.as_ref().and_then(|spec| spec.replicas).unwrap_or_default()},
        "status": status,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_scale_version_converts_to_autoscaling_v1_and_back() {
        let v1 = json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": "app=web,tier=fe"}});
        let scale = from_value(&v1).unwrap();
        let status = scale.status.clone().unwrap();
        assert_eq!(
            (scale.spec.clone().unwrap().replicas, status.replicas),
            (Some(3), 2)
        );
        assert_eq!(status.selector.as_deref(), Some("app=web,tier=fe"));
        for version in LEGACY {
            let (group, v) = version.split_once('/').unwrap();
            let legacy = to_value(&scale, &GroupVersionKind::new(group, v, "Scale")).unwrap();
            assert_eq!(
                legacy["status"]["selector"],
                json!({"app": "web", "tier": "fe"})
            );
            assert_eq!(legacy["status"]["targetSelector"], "app=web,tier=fe");
            assert_eq!(from_value(&legacy).unwrap(), scale, "{version}");
            // A map-only selector (no targetSelector) converts too.
            let mut map_only = legacy.clone();
            map_only["status"]
                .as_object_mut()
                .unwrap()
                .remove("targetSelector");
            assert_eq!(from_value(&map_only).unwrap(), scale);
        }
        let back = to_value(&scale, &GroupVersionKind::new("autoscaling", "v1", "Scale")).unwrap();
        assert_eq!(from_value(&back).unwrap(), scale);
    }

    #[test]
    fn other_objects_are_not_convertible() {
        for value in [
            json!({"apiVersion": "apps/v1", "kind": "Deployment"}),
            json!("x"),
            json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "spec": {"replicas": "many"}}),
        ] {
            let error = from_value(&value).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("received an object from a /scale endpoint"),
                "{error}"
            );
        }
    }
}
