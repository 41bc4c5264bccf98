//! The decoding rules, on hand-built messages.

use super::decode::{Decode, Message, merge_option, merge_option_omitempty, push};
use super::envelope::{decode_list, decode_object};
use super::wire::{Value, put_bytes, put_varint_field};
use crate::meta::{ObjectMeta, Status, Time};
use crate::{IntOrString, Quantity};

fn message(build: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    build(&mut out);
    out
}

#[test]
fn go_zero_values_read_as_json_reads_them() {
    let meta = ObjectMeta::decode_message(&message(|m| {
        put_bytes(m, 1, b"web"); // name
        put_bytes(m, 2, b""); // generateName: "" is left out of JSON
        put_varint_field(m, 7, 0); // generation 0: left out too
        put_bytes(m, 8, b""); // creationTimestamp: Go's zero time, null in JSON
        put_varint_field(m, 10, 0); // deletionGracePeriodSeconds is a pointer: 0 is set
    }))
    .unwrap();
    assert_eq!(meta.name.as_deref(), Some("web"));
    assert_eq!(meta.generate_name, None);
    assert_eq!(meta.generation, None);
    assert_eq!(meta.creation_timestamp, None);
    assert_eq!(meta.deletion_grace_period_seconds, Some(0));
}

#[test]
fn scalars_keep_their_sign_and_the_last_occurrence() {
    let mut int: Option<i32> = None;
    // Go writes int32(-1) as a ten-byte varint.
    merge_option(&mut int, Value::Varint(u64::MAX)).unwrap();
    assert_eq!(int, Some(-1));
    merge_option(&mut int, Value::Varint(7)).unwrap();
    assert_eq!(int, Some(7));
    let mut text: Option<String> = None;
    merge_option_omitempty(&mut text, Value::Bytes(b"")).unwrap();
    assert_eq!(text, None);
    assert!(String::decode(Value::Bytes(&[0xff, 0xfe])).is_err());
    assert!(i64::decode(Value::Bytes(b"x")).is_err());
}

#[test]
fn repeated_scalars_read_packed_and_unpacked() {
    let mut items: Vec<i32> = Vec::new();
    push(&mut items, Value::Varint(1)).unwrap();
    push(&mut items, Value::Bytes(&[2, 3, 0x80, 0x01])).unwrap();
    assert_eq!(items, [1, 2, 3, 128]);
    let mut names: Vec<String> = Vec::new();
    push(&mut names, Value::Bytes(b"a")).unwrap();
    assert_eq!(names, ["a"]);
}

#[test]
fn machinery_values_decode() {
    let quantity = message(|m| put_bytes(m, 1, b"500m"));
    assert_eq!(
        Quantity::decode(Value::Bytes(&quantity)).unwrap(),
        Quantity::must_parse("500m")
    );
    assert!(Quantity::decode(Value::Bytes(&message(|m| put_bytes(m, 1, b"x1")))).is_err());
    let port = message(|m| {
        put_varint_field(m, 1, 1);
        put_bytes(m, 3, b"http");
    });
    assert_eq!(
        IntOrString::decode(Value::Bytes(&port)).unwrap(),
        IntOrString::String("http".into())
    );
    let number = message(|m| put_varint_field(m, 2, 8080));
    assert_eq!(
        IntOrString::decode(Value::Bytes(&number)).unwrap(),
        IntOrString::Int(8080)
    );
    // Go keeps whole seconds of a Time.
    let time = message(|m| {
        put_varint_field(m, 1, 1_700_000_000);
        put_varint_field(m, 2, 5);
    });
    assert_eq!(
        Time::decode(Value::Bytes(&time)).unwrap(),
        Time::from_unix(1_700_000_000, 0)
    );
}

#[test]
fn envelopes_carry_the_type_and_lists_their_items() {
    let envelope = |kind: &str, raw: &[u8]| {
        message(|m| {
            m.extend_from_slice(b"k8s\0");
            let type_meta = message(|t| {
                put_bytes(t, 1, b"v1");
                put_bytes(t, 2, kind.as_bytes());
            });
            put_bytes(m, 1, &type_meta);
            put_bytes(m, 2, raw);
        })
    };
    let status = decode_object::<Status>(&envelope(
        "Status",
        &message(|m| {
            put_bytes(m, 2, b"Failure");
            put_bytes(m, 4, b"NotFound");
            put_varint_field(m, 6, 404);
        }),
    ))
    .unwrap();
    assert_eq!(status.code, 404);
    assert_eq!(status.kind.as_deref(), Some("Status"));
    assert_eq!(status.reason.to_string(), "NotFound");

    let list = decode_list::<ObjectMeta>(&envelope(
        "List",
        &message(|m| {
            put_bytes(m, 1, &message(|l| put_bytes(l, 2, b"42")));
            for name in ["a", "b", "c"] {
                put_bytes(m, 2, &message(|o| put_bytes(o, 1, name.as_bytes())));
            }
        }),
    ))
    .unwrap();
    assert_eq!(list.metadata.resource_version.as_deref(), Some("42"));
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items.capacity(), 3);
    assert!(decode_object::<Status>(b"{\"kind\":\"Status\"}").is_err());
}

#[test]
fn errors_name_the_field_path() {
    let bad = message(|m| put_bytes(m, 13, &message(|o| put_varint_field(o, 1, 1))));
    let error = ObjectMeta::decode_message(&bad).unwrap_err();
    assert_eq!(
        error.to_string(),
        "field 13: field 1: expected a length-delimited value, found a varint"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        let _ = ObjectMeta::decode_message(&bytes);
        let _ = decode_object::<Status>(&bytes);
        let mut framed = b"k8s\0".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = decode_list::<ObjectMeta>(&framed);
    }
}

#[test]
fn managed_fields_text_is_kept_unchecked_and_checked_when_encoded() {
    use crate::meta::FieldsV1;
    let fields =
        FieldsV1::decode(Value::Bytes(&message(|m| put_bytes(m, 1, b"{\"f:a\":{}}")))).unwrap();
    assert_eq!(fields.as_str(), "{\"f:a\":{}}");
    assert_eq!(serde_json::to_string(&fields).unwrap(), "{\"f:a\":{}}");
    let broken =
        FieldsV1::decode(Value::Bytes(&message(|m| put_bytes(m, 1, b"{\"f:a\"")))).unwrap();
    assert!(broken.to_value().is_err());
    let error = serde_json::to_string(&broken).unwrap_err();
    assert!(
        error.to_string().contains("fieldsV1 is not JSON"),
        "{error}"
    );
}
