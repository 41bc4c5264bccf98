//! The protobuf wire format: varints, field keys and the four wire types Kubernetes
//! uses. Every read is bounds-checked; a truncated or malformed buffer is an error, never
//! a panic, and unknown fields are skipped without being parsed.

use super::DecodeError;

/// One field's value as it is on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// Wire type 0: `int32`, `int64`, `bool`, enums.
    Varint(u64),
    /// Wire type 1: `double`, `fixed64`.
    Fixed64(u64),
    /// Wire type 2: strings, bytes, embedded messages, packed repeated scalars.
    Bytes(&'a [u8]),
    /// Wire type 5: `float`, `fixed32`.
    Fixed32(u32),
}

impl<'a> Value<'a> {
    /// The bytes of a length-delimited value.
    pub fn bytes(self) -> Result<&'a [u8], DecodeError> {
        match self {
            Value::Bytes(bytes) => Ok(bytes),
            other => Err(DecodeError::new(format!(
                "expected a length-delimited value, found {}",
                other.wire_name()
            ))),
        }
    }

    /// The number of a varint value.
    pub fn varint(self) -> Result<u64, DecodeError> {
        match self {
            Value::Varint(v) => Ok(v),
            other => Err(DecodeError::new(format!(
                "expected a varint, found {}",
                other.wire_name()
            ))),
        }
    }

    fn wire_name(self) -> &'static str {
        match self {
            Value::Varint(_) => "a varint",
            Value::Fixed64(_) => "a 64-bit value",
            Value::Bytes(_) => "a length-delimited value",
            Value::Fixed32(_) => "a 32-bit value",
        }
    }
}

/// The fields of a message in wire order: `(field number, value)`. After an error the
/// iterator ends.
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The fields of the message in `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { rest: buf }
    }

    #[inline]
    fn field(&mut self) -> Result<(u32, Value<'a>), DecodeError> {
        let key = read_varint(&mut self.rest)?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| DecodeError::new(format!("invalid field key {key}")))?;
        let value = match key & 7 {
            0 => Value::Varint(read_varint(&mut self.rest)?),
            1 => Value::Fixed64(u64::from_le_bytes(take_array(&mut self.rest)?)),
            2 => {
                let len = read_varint(&mut self.rest)?;
                Value::Bytes(take(&mut self.rest, len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(take_array(&mut self.rest)?)),
            other => {
                return Err(DecodeError::new(format!(
                    "unsupported wire type {other} (field {number})"
                )));
            }
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let item = self.field();
        if item.is_err() {
            self.rest = &[];
        }
        Some(item)
    }
}

/// Reads one varint off the front of `buf`.
#[inline]
pub fn read_varint(buf: &mut &[u8]) -> Result<u64, DecodeError> {
    // Keys, lengths and most numbers fit in one byte.
    if let Some((&byte, rest)) = buf.split_first()
        && byte < 0x80
    {
        *buf = rest;
        return Ok(u64::from(byte));
    }
    read_long_varint(buf)
}

fn read_long_varint(buf: &mut &[u8]) -> Result<u64, DecodeError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf
            .split_first()
            .ok_or_else(|| DecodeError::new("truncated varint"))?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::new("varint longer than 10 bytes"))
}

fn take<'a>(buf: &mut &'a [u8], len: u64) -> Result<&'a [u8], DecodeError> {
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len > buf.len() {
        return Err(DecodeError::new(format!(
            "a field declares {len} bytes but only {} remain",
            buf.len()
        )));
    }
    let (head, rest) = buf.split_at(len);
    *buf = rest;
    Ok(head)
}

fn take_array<const N: usize>(buf: &mut &[u8]) -> Result<[u8; N], DecodeError> {
    let head = take(buf, N as u64)?;
    head.try_into()
        .map_err(|_| DecodeError::new("truncated fixed-size value"))
}

/// Appends a varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends a length-delimited field.
pub fn put_bytes(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    put_varint(out, (u64::from(number) << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a varint field.
pub fn put_varint_field(out: &mut Vec<u8>, number: u32, value: u64) {
    put_varint(out, u64::from(number) << 3);
    put_varint(out, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_every_wire_type() {
        let mut buf = Vec::new();
        put_varint_field(&mut buf, 1, 300);
        put_bytes(&mut buf, 2, b"abc");
        buf.extend_from_slice(&[(3 << 3) | 1]);
        buf.extend_from_slice(&1.5f64.to_bits().to_le_bytes());
        buf.extend_from_slice(&[(4 << 3) | 5, 1, 0, 0, 0]);
        let fields: Vec<_> = Fields::new(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            fields,
            [
                (1, Value::Varint(300)),
                (2, Value::Bytes(b"abc")),
                (3, Value::Fixed64(1.5f64.to_bits())),
                (4, Value::Fixed32(1)),
            ]
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            &[0x0a, 0x05, b'a'][..], // length past the end
            &[0x08][..],             // varint missing
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ][..],
            &[0x0b][..],                               // group start (wire type 3)
            &[0x00, 0x01][..],                         // field number 0
            &[0x09, 1, 2][..],                         // truncated fixed64
            &[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f][..], // 4 GiB declared
        ] {
            let result: Result<Vec<_>, _> = Fields::new(bad).collect();
            assert!(result.is_err(), "{bad:?}");
        }
    }
}
