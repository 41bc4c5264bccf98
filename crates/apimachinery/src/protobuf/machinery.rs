//! Protobuf decoding of the hand-written API machinery types (`meta/v1`, `Quantity`,
//! `IntOrString`), field numbers as in apimachinery's `generated.proto`, zero values as
//! Go's JSON writes them (see the rules in [`decode`](super::decode)).

use super::DecodeError;
use super::decode::{
    Decode, Message, insert, merge, merge_option, merge_option_omitempty, push, shrink, text,
};
use super::wire::{Fields, Value};
use crate::meta::{
    Condition, FieldSelectorRequirement, FieldsV1, LabelSelector, LabelSelectorRequirement,
    ListMeta, ManagedFieldsEntry, MicroTime, ObjectMeta, OwnerReference, RawExtension, Status,
    StatusCause, StatusDetails, Time,
};
use crate::{GroupResource, IntOrString, Quantity};

impl Decode for Quantity {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        let mut text = String::new();
        for field in Fields::new(value.bytes()?) {
            if let (1, v) = field? {
                text = String::decode(v)?;
            }
        }
        Quantity::parse(&text)
            .map_err(|error| DecodeError::new(format!("quantity {text:?}: {error}")))
    }
}

impl Decode for IntOrString {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        let (mut is_string, mut int, mut text) = (false, 0, String::new());
        for field in Fields::new(value.bytes()?) {
            match field? {
                (1, v) => is_string = i64::decode(v)? == 1,
                (2, v) => int = i32::decode(v)?,
                (3, v) => text = String::decode(v)?,
                _ => {}
            }
        }
        Ok(if is_string {
            IntOrString::String(text)
        } else {
            IntOrString::Int(int)
        })
    }
}

/// Seconds and nanoseconds of a `Timestamp` message.
fn timestamp(value: Value<'_>) -> Result<(i64, i32), DecodeError> {
    let (mut seconds, mut nanos) = (0, 0);
    for field in Fields::new(value.bytes()?) {
        match field? {
            (1, v) => seconds = i64::decode(v)?,
            (2, v) => nanos = i32::decode(v)?,
            _ => {}
        }
    }
    Ok((seconds, nanos))
}

impl Decode for Time {
    /// Go writes a zero time as an empty message and keeps only whole seconds.
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        if value.bytes()?.is_empty() {
            return Ok(Time::ZERO);
        }
        let (seconds, _) = timestamp(value)?;
        Ok(Time::from_unix(seconds, 0))
    }

    fn is_zero(&self) -> bool {
        Time::is_zero(self)
    }

    const ZERO_IS_NULL: bool = true;
}

impl Decode for MicroTime {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        if value.bytes()?.is_empty() {
            return Ok(MicroTime::ZERO);
        }
        let (seconds, nanos) = timestamp(value)?;
        let nanos = u32::try_from(nanos).unwrap_or(0);
        Ok(MicroTime::from_unix(seconds, nanos - nanos % 1000))
    }

    fn is_zero(&self) -> bool {
        MicroTime::is_zero(self)
    }

    const ZERO_IS_NULL: bool = true;
}

/// The JSON text in field 1 of a raw message (`RawExtension`, `FieldsV1`); `null` when
/// it is empty, as Go's JSON writes a nil one.
fn raw_json<'a>(value: Value<'a>) -> Result<&'a str, DecodeError> {
    let mut raw: &[u8] = &[];
    for field in Fields::new(value.bytes()?) {
        if let (1, v) = field? {
            raw = v.bytes()?;
        }
    }
    if raw.is_empty() {
        return Ok("null");
    }
    if raw.starts_with(&crate::media_type::PROTOBUF_MAGIC) {
        return Err(DecodeError::new(
            "an embedded object is protobuf-encoded; only embedded JSON is supported",
        ));
    }
    text(raw)
}

impl Decode for RawExtension {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        RawExtension::from_json(raw_json(value)?.to_owned())
            .map_err(|error| DecodeError::new(error.to_string()))
    }

    fn is_zero(&self) -> bool {
        self.as_str() == "null"
    }

    const ZERO_IS_NULL: bool = true;
}

impl Decode for FieldsV1 {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        // Kept unchecked, as Go keeps the bytes: checked when encoded or parsed.
        raw_json(value).map(FieldsV1::from_unchecked)
    }

    fn is_zero(&self) -> bool {
        self.as_str() == "null"
    }

    const ZERO_IS_NULL: bool = true;
}

impl Message for GroupResource {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge(&mut self.group, value),
            2 => merge(&mut self.resource, value),
            _ => Ok(()),
        }
    }
}

impl Message for ObjectMeta {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge_option_omitempty(&mut self.name, value),
            2 => merge_option_omitempty(&mut self.generate_name, value),
            3 => merge_option_omitempty(&mut self.namespace, value),
            4 => merge_option_omitempty(&mut self.self_link, value),
            5 => merge_option_omitempty(&mut self.uid, value),
            6 => merge_option_omitempty(&mut self.resource_version, value),
            7 => merge_option_omitempty(&mut self.generation, value),
            8 => merge_option(&mut self.creation_timestamp, value),
            9 => merge_option(&mut self.deletion_timestamp, value),
            10 => merge_option(&mut self.deletion_grace_period_seconds, value),
            11 => insert(&mut self.labels, value),
            12 => insert(&mut self.annotations, value),
            13 => push(&mut self.owner_references, value),
            14 => push(&mut self.finalizers, value),
            17 => push(&mut self.managed_fields, value),
            _ => Ok(()),
        }
    }

    fn shrink(&mut self) {
        shrink(&mut self.owner_references);
        shrink(&mut self.finalizers);
        shrink(&mut self.managed_fields);
        shrink(&mut self.labels);
        shrink(&mut self.annotations);
    }
}

impl Message for ListMeta {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge_option_omitempty(&mut self.self_link, value),
            2 => merge_option_omitempty(&mut self.resource_version, value),
            3 => merge_option_omitempty(&mut self.continue_, value),
            4 => merge_option(&mut self.remaining_item_count, value),
            _ => Ok(()),
        }
    }
}

impl Message for OwnerReference {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge(&mut self.kind, value),
            3 => merge(&mut self.name, value),
            4 => merge(&mut self.uid, value),
            5 => merge(&mut self.api_version, value),
            6 => merge_option(&mut self.controller, value),
            7 => merge_option(&mut self.block_owner_deletion, value),
            _ => Ok(()),
        }
    }
}

impl Message for ManagedFieldsEntry {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge_option_omitempty(&mut self.manager, value),
            2 => merge_option_omitempty(&mut self.operation, value),
            3 => merge_option_omitempty(&mut self.api_version, value),
            4 => merge_option(&mut self.time, value),
            6 => merge_option_omitempty(&mut self.fields_type, value),
            7 => merge_option(&mut self.fields_v1, value),
            8 => merge_option_omitempty(&mut self.subresource, value),
            _ => Ok(()),
        }
    }
}

impl Message for LabelSelector {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => insert(&mut self.match_labels, value),
            2 => push(&mut self.match_expressions, value),
            _ => Ok(()),
        }
    }

    fn shrink(&mut self) {
        shrink(&mut self.match_expressions);
        self.match_labels.shrink_to_fit();
    }
}

/// `key = 1`, `operator = 2`, `values = 3`: label and field selector requirements.
macro_rules! requirement_message {
    ($($ty:ty),*) => {$(
        impl Message for $ty {
            fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
                match number {
                    1 => merge(&mut self.key, value),
                    2 => merge(&mut self.operator, value),
                    3 => push(&mut self.values, value),
                    _ => Ok(()),
                }
            }

            fn shrink(&mut self) {
                shrink(&mut self.values);
            }
        }
    )*};
}

requirement_message!(LabelSelectorRequirement, FieldSelectorRequirement);

impl Message for Condition {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge(&mut self.type_, value),
            2 => merge(&mut self.status, value),
            3 => merge_option_omitempty(&mut self.observed_generation, value),
            4 => merge(&mut self.last_transition_time, value),
            5 => merge(&mut self.reason, value),
            6 => merge(&mut self.message, value),
            _ => Ok(()),
        }
    }
}

impl Message for Status {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge(&mut self.metadata, value),
            2 => merge_option_omitempty(&mut self.status, value),
            3 => merge_option_omitempty(&mut self.message, value),
            4 => {
                self.reason = text(value.bytes()?)?.into();
                Ok(())
            }
            5 => merge_option(&mut self.details, value),
            6 => merge(&mut self.code, value),
            _ => Ok(()),
        }
    }

    fn set_type_meta(&mut self, api_version: &str, kind: &str) {
        self.api_version = Some(api_version.to_owned());
        self.kind = Some(kind.to_owned());
    }
}

impl Message for StatusDetails {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge_option_omitempty(&mut self.name, value),
            2 => merge_option_omitempty(&mut self.group, value),
            3 => merge_option_omitempty(&mut self.kind, value),
            4 => push(&mut self.causes, value),
            5 => merge(&mut self.retry_after_seconds, value),
            6 => merge_option_omitempty(&mut self.uid, value),
            _ => Ok(()),
        }
    }

    fn shrink(&mut self) {
        shrink(&mut self.causes);
    }
}

impl Message for StatusCause {
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError> {
        match number {
            1 => merge_option_omitempty(&mut self.cause_type, value),
            2 => merge_option_omitempty(&mut self.message, value),
            3 => merge_option_omitempty(&mut self.field, value),
            _ => Ok(()),
        }
    }
}
