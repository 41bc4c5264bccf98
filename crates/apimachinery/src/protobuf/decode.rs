//! Decoding protobuf into the API types: [`Message`] for structs, [`Decode`] for every
//! type a field can hold, and the helpers generated code calls per field shape.
//!
//! Rules, matching what Go's JSON gives for the same object so both encodings decode
//! to equal values:
//! - a field that appears twice merges (messages) or is replaced (scalars), as protobuf
//!   specifies; repeated fields append, packed or not;
//! - Go writes every non-pointer field to protobuf, zero or not, where its JSON leaves an
//!   `omitempty` zero out: the `*_omitempty` helpers turn such zeros into `None`;
//! - a zero `Time` is `null` in JSON, so it decodes to `None` wherever it is optional;
//! - lists keep no spare capacity ([`Message::shrink`]), as the JSON decoders do.

use super::DecodeError;
use super::wire::{Fields, Value};
use crate::StringMap;

/// A protobuf message decoded field by field into a Rust struct.
pub trait Message: Default {
    /// Merges one field of the wire message into `self`; unknown numbers are ignored.
    fn merge_field(&mut self, number: u32, value: Value<'_>) -> Result<(), DecodeError>;

    /// Drops the spare capacity of lists once the message is complete.
    fn shrink(&mut self) {}

    /// Sets `apiVersion` and `kind` from the envelope of a top-level object (a no-op for
    /// types without them).
    fn set_type_meta(&mut self, _api_version: &str, _kind: &str) {}

    /// Merges every field of the wire message in `buf`.
    fn merge_message(&mut self, buf: &[u8]) -> Result<(), DecodeError> {
        merge_fields(self, buf)?;
        self.shrink();
        Ok(())
    }

    /// Decodes the wire message in `buf`.
    fn decode_message(buf: &[u8]) -> Result<Self, DecodeError> {
        let mut message = Self::default();
        message.merge_message(buf)?;
        Ok(message)
    }
}

/// Merges every field of `buf` into `message`, without shrinking its lists.
pub fn merge_fields<M: Message>(message: &mut M, buf: &[u8]) -> Result<(), DecodeError> {
    for field in Fields::new(buf) {
        let (number, value) = field?;
        message
            .merge_field(number, value)
            .map_err(|error| error.in_field(number))?;
    }
    Ok(())
}

/// A type a message field can hold.
pub trait Decode: Sized {
    /// Decodes one occurrence of the field.
    fn decode(value: Value<'_>) -> Result<Self, DecodeError>;

    /// Merges another occurrence into `self` (scalars are replaced).
    fn merge(&mut self, value: Value<'_>) -> Result<(), DecodeError> {
        *self = Self::decode(value)?;
        Ok(())
    }

    /// Whether this is Go's zero value, which JSON leaves out of `omitempty` fields.
    fn is_zero(&self) -> bool {
        false
    }

    /// Whether the zero value is written as `null` in JSON (times), so that an optional
    /// field holding it reads as absent.
    const ZERO_IS_NULL: bool = false;

    /// Appends the elements of a packed repeated field; `false` if the type cannot be
    /// packed (strings and messages).
    fn push_packed(_items: &mut Vec<Self>, _packed: &[u8]) -> Result<bool, DecodeError> {
        Ok(false)
    }
}

impl<T: Message> Decode for T {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        T::decode_message(value.bytes()?)
    }

    fn merge(&mut self, value: Value<'_>) -> Result<(), DecodeError> {
        self.merge_message(value.bytes()?)
    }
}

impl Decode for String {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        text(value.bytes()?).map(str::to_owned)
    }

    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for crate::Str {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        text(value.bytes()?).map(crate::Str::decoded)
    }

    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Decode for crate::ByteString {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        Ok(Self(value.bytes()?.to_vec()))
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

/// Strings and lists of strings (`ExtraValue`-style messages whose field 1 repeats).
impl<T: Decode> Decode for Vec<T> {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        let mut items = Vec::new();
        items.merge(value)?;
        Ok(items)
    }

    fn merge(&mut self, value: Value<'_>) -> Result<(), DecodeError> {
        for field in Fields::new(value.bytes()?) {
            if let (1, value) = field? {
                push(self, value)?;
            }
        }
        self.shrink_to_fit();
        Ok(())
    }

    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

macro_rules! varint_scalar {
    ($($ty:ty => $convert:expr),* $(,)?) => {$(
        impl Decode for $ty {
            fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
                let convert: fn(u64) -> $ty = $convert;
                Ok(convert(value.varint()?))
            }

            fn is_zero(&self) -> bool {
                *self == <$ty>::default()
            }

            fn push_packed(items: &mut Vec<Self>, mut packed: &[u8]) -> Result<bool, DecodeError> {
                let convert: fn(u64) -> $ty = $convert;
                while !packed.is_empty() {
                    items.push(convert(super::wire::read_varint(&mut packed)?));
                }
                Ok(true)
            }
        }
    )*};
}

// Go's protobuf writes negative int32s as 64-bit varints: the low bits are the value.
varint_scalar! {
    i32 => |v| v as i32,
    i64 => |v| v as i64,
    bool => |v| v != 0,
}

impl Decode for f64 {
    fn decode(value: Value<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Fixed64(bits) => Ok(f64::from_bits(bits)),
            Value::Fixed32(bits) => Ok(f64::from(f32::from_bits(bits))),
            _ => Err(DecodeError::new("expected a double")),
        }
    }

    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

/// A protobuf string: UTF-8 checked.
pub fn string(bytes: &[u8]) -> Result<String, DecodeError> {
    text(bytes).map(str::to_owned)
}

/// The UTF-8 text of a string field.
pub fn text(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|_| DecodeError::new("a string is not valid UTF-8"))
}

/// A required (non-optional) field.
pub fn merge<T: Decode>(field: &mut T, value: Value<'_>) -> Result<(), DecodeError> {
    field.merge(value)
}

/// An optional field.
pub fn merge_option<T: Decode>(field: &mut Option<T>, value: Value<'_>) -> Result<(), DecodeError> {
    match field {
        Some(existing) => existing.merge(value)?,
        None => *field = Some(T::decode(value)?),
    }
    if T::ZERO_IS_NULL && field.as_ref().is_some_and(T::is_zero) {
        *field = None;
    }
    Ok(())
}

/// An optional field that Go keeps as a non-pointer with `omitempty`: its zero is `None`.
pub fn merge_option_omitempty<T: Decode>(
    field: &mut Option<T>,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    merge_option(field, value)?;
    if field.as_ref().is_some_and(T::is_zero) {
        *field = None;
    }
    Ok(())
}

/// An optional field stored in a `Box`.
pub fn merge_option_boxed<T: Decode>(
    field: &mut Option<Box<T>>,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    match field {
        Some(existing) => existing.merge(value),
        None => {
            *field = Some(Box::new(T::decode(value)?));
            Ok(())
        }
    }
}

/// One occurrence of a repeated field (or a packed run of scalars).
pub fn push<T: Decode>(items: &mut Vec<T>, value: Value<'_>) -> Result<(), DecodeError> {
    if let Value::Bytes(packed) = value
        && T::push_packed(items, packed)?
    {
        return Ok(());
    }
    let item = T::decode(value)?;
    if items.len() == items.capacity() {
        items.reserve_exact(room_for_one_more(items.len()));
    }
    items.push(item);
    Ok(())
}

/// How much a full list grows by: one at a time while it is short (most API lists hold
/// one to three items, which then need no shrinking), doubling once it is longer.
fn room_for_one_more(len: usize) -> usize {
    if len < 4 { 1 } else { len }
}

/// One occurrence of an optional repeated field.
pub fn push_option<T: Decode>(
    items: &mut Option<Vec<T>>,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    push(items.get_or_insert_with(Vec::new), value)
}

/// One entry of a map field (a message of `key = 1`, `value = 2`).
pub fn insert<V: Decode + Default>(
    map: &mut StringMap<V>,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    let mut key = crate::Str::new();
    let mut entry: Option<V> = None;
    for field in Fields::new(value.bytes()?) {
        match field? {
            (1, v) => key = crate::Str::decode(v)?,
            (2, v) => merge_option(&mut entry, v)?,
            _ => {}
        }
    }
    if map.len() == map.capacity() {
        map.reserve_exact(room_for_one_more(map.len()));
    }
    map.insert(key, entry.unwrap_or_default());
    Ok(())
}

/// One entry of an optional map field.
pub fn insert_option<V: Decode + Default>(
    map: &mut Option<StringMap<V>>,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    insert(map.get_or_insert_with(StringMap::new), value)
}

/// An embedded Go struct whose fields JSON flattens into the parent (`VolumeSource`
/// inside `Volume`): its fields are merged by `merge_field` into the parent.
pub fn merge_inline(
    value: Value<'_>,
    mut merge_field: impl FnMut(u32, Value<'_>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    for field in Fields::new(value.bytes()?) {
        let (number, value) = field?;
        merge_field(number, value).map_err(|error| error.in_field(number))?;
    }
    Ok(())
}

/// A list or map field whose spare capacity [`shrink`] drops.
pub trait Spare {
    /// Drops the spare capacity.
    fn drop_spare(&mut self);
}

impl<T> Spare for Vec<T> {
    fn drop_spare(&mut self) {
        self.shrink_to_fit();
    }
}

impl<V> Spare for StringMap<V> {
    fn drop_spare(&mut self) {
        self.shrink_to_fit();
    }
}

/// Drops the spare capacity of a list or map field.
pub fn shrink<C: Spare>(items: &mut C) {
    items.drop_spare();
}

/// Drops the spare capacity of an optional list or map field.
pub fn shrink_option<C: Spare>(items: &mut Option<C>) {
    if let Some(items) = items {
        items.drop_spare();
    }
}
