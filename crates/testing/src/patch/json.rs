//! JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and `test`.

use serde_json::Value;

use super::PatchError;

/// Applies the JSON patch `patch` (an array of operations) to `target`. On error
/// `target` is left unchanged.
///
/// ```
/// use serde_json::json;
/// let mut object = json!({"spec": {"replicas": 1, "ports": [80]}});
/// let patch = json!([
///     {"op": "test", "path": "/spec/replicas", "value": 1},
///     {"op": "replace", "path": "/spec/replicas", "value": 3},
///     {"op": "add", "path": "/spec/ports/-", "value": 443},
/// ]);
/// clientgo_testing::patch::json_patch(&mut object, &patch)?;
/// assert_eq!(object, json!({"spec": {"replicas": 3, "ports": [80, 443]}}));
/// # Ok::<(), clientgo_testing::patch::PatchError>(())
/// ```
pub fn json_patch(target: &mut Value, patch: &Value) -> Result<(), PatchError> {
    let operations = patch
        .as_array()
        .ok_or_else(|| PatchError::Malformed("a JSON patch must be an array".into()))?;
    let mut document = target.clone();
    for operation in operations {
        apply(&mut document, operation)?;
    }
    *target = document;
    Ok(())
}

fn apply(document: &mut Value, operation: &Value) -> Result<(), PatchError> {
    let op = string_member(operation, "op")?;
    let path = pointer(string_member(operation, "path")?)?;
    let value = || {
        operation
            .get("value")
            .cloned()
            .ok_or_else(|| PatchError::Malformed(format!("operation {op:?} needs a value")))
    };
    match op {
        "add" => add(document, &path, value()?),
        "remove" => remove(document, &path).map(drop),
        "replace" => {
            let value = value()?;
            let slot = get_mut(document, &path).ok_or_else(|| missing("replace", &path))?;
            *slot = value;
            Ok(())
        }
        "move" => {
            let from = pointer(string_member(operation, "from")?)?;
            if path.len() > from.len() && path[..from.len()] == from[..] {
                return Err(PatchError::Failed(
                    "cannot move a value into one of its children".into(),
                ));
            }
            let moved = remove(document, &from)?;
            add(document, &path, moved)
        }
        "copy" => {
            let from = pointer(string_member(operation, "from")?)?;
            let copied = get(document, &from)
                .cloned()
                .ok_or_else(|| missing("copy", &from))?;
            add(document, &path, copied)
        }
        "test" => {
            let want = value()?;
            match get(document, &path) {
                Some(have) if *have == want => Ok(()),
                _ => Err(PatchError::Failed(format!(
                    "testing value /{} failed",
                    path.join("/")
                ))),
            }
        }
        other => Err(PatchError::Malformed(format!(
            "unknown JSON patch operation {other:?}"
        ))),
    }
}

fn string_member<'a>(operation: &'a Value, member: &str) -> Result<&'a str, PatchError> {
    operation
        .get(member)
        .and_then(Value::as_str)
        .ok_or_else(|| {
            PatchError::Malformed(format!("operation {operation} has no string {member:?}"))
        })
}

fn missing(op: &str, path: &[String]) -> PatchError {
    PatchError::Failed(format!(
        "{op} operation does not apply: doc is missing path: /{}",
        path.join("/")
    ))
}

/// Parses a JSON pointer (RFC 6901) into unescaped tokens.
fn pointer(text: &str) -> Result<Vec<String>, PatchError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let rest = text
        .strip_prefix('/')
        .ok_or_else(|| PatchError::Malformed(format!("invalid JSON pointer {text:?}")))?;
    Ok(rest
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// An array index token: digits without leading zeros.
fn index(token: &str) -> Option<usize> {
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    if valid { token.parse().ok() } else { None }
}

fn get<'a>(document: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter()
        .try_fold(document, |current, token| match current {
            Value::Object(map) => map.get(token),
            Value::Array(items) => items.get(index(token)?),
            _ => None,
        })
}

fn get_mut<'a>(document: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter()
        .try_fold(document, |current, token| match current {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => items.get_mut(index(token)?),
            _ => None,
        })
}

fn add(document: &mut Value, path: &[String], value: Value) -> Result<(), PatchError> {
    let Some((last, parent)) = path.split_last() else {
        *document = value;
        return Ok(());
    };
    match get_mut(document, parent) {
        Some(Value::Object(map)) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let at = if last == "-" {
                items.len()
            } else {
                index(last)
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| missing("add", path))?
            };
            items.insert(at, value);
            Ok(())
        }
        _ => Err(missing("add", path)),
    }
}

fn remove(document: &mut Value, path: &[String]) -> Result<Value, PatchError> {
    let Some((last, parent)) = path.split_last() else {
        return Ok(std::mem::take(document));
    };
    match get_mut(document, parent) {
        Some(Value::Object(map)) => map.remove(last).ok_or_else(|| missing("remove", path)),
        Some(Value::Array(items)) => match index(last).filter(|i| *i < items.len()) {
            Some(i) => Ok(items.remove(i)),
            None => Err(missing("remove", path)),
        },
        _ => Err(missing("remove", path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(mut document: Value, patch: Value) -> Result<Value, PatchError> {
        json_patch(&mut document, &patch).map(|()| document)
    }

    #[test]
    fn every_operation() {
        let document = json!({"a": {"b": [1, 2, 3]}, "c": "x", "we/ird~": 1});
        let result = patched(
            document,
            json!([
                {"op": "add", "path": "/a/b/1", "value": 9},
                {"op": "remove", "path": "/a/b/0"},
                {"op": "replace", "path": "/c", "value": "y"},
                {"op": "move", "from": "/c", "path": "/d"},
                {"op": "copy", "from": "/a/b", "path": "/e"},
                {"op": "test", "path": "/we~1ird~0", "value": 1},
                {"op": "add", "path": "/a/b/-", "value": 4},
            ]),
        )
        .unwrap();
        assert_eq!(
            result,
            json!({"a": {"b": [9, 2, 3, 4]}, "d": "y", "e": [9, 2, 3], "we/ird~": 1})
        );
    }

    #[test]
    fn failures_leave_the_document_alone() {
        let mut document = json!({"a": 1});
        let error = json_patch(
            &mut document,
            &json!([{"op": "replace", "path": "/a", "value": 2}, {"op": "test", "path": "/a", "value": 1}]),
        )
        .unwrap_err();
        assert!(matches!(error, PatchError::Failed(_)));
        assert_eq!(document, json!({"a": 1}));
        for bad in [
            json!({"op": "add"}),
            json!([{"op": "frobnicate", "path": "/a"}]),
            json!([{"op": "add", "path": "a", "value": 1}]),
            json!([{"path": "/a"}]),
        ] {
            assert!(
                matches!(
                    patched(json!({}), bad.clone()),
                    Err(PatchError::Malformed(_))
                ),
                "{bad}"
            );
        }
        for bad in [
            json!([{"op": "remove", "path": "/missing"}]),
            json!([{"op": "add", "path": "/x/y", "value": 1}]),
            json!([{"op": "add", "path": "/l/01", "value": 1}]),
            json!([{"op": "move", "from": "/l", "path": "/l/0"}]),
        ] {
            assert!(
                matches!(
                    patched(json!({"l": [1]}), bad.clone()),
                    Err(PatchError::Failed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_root_can_be_replaced() {
        assert_eq!(
            patched(
                json!({"a": 1}),
                json!([{"op": "replace", "path": "", "value": [1]}])
            )
            .unwrap(),
            json!([1])
        );
    }
}
