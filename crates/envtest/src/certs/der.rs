//! The few DER (ASN.1) encodings and one decoding step that client certificates need.

/// Appends a tag-length-value element.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded elements.
pub(crate) fn sequence(elements: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &elements.concat())
}

/// A SET of already encoded elements.
pub(crate) fn set(elements: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &elements.concat())
}

/// An OBJECT IDENTIFIER.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push_base128 = |mut value: u64| {
        let mut chunk = vec![(value & 0x7f) as u8];
        value >>= 7;
        while value > 0 {
            chunk.push(0x80 | (value & 0x7f) as u8);
            value >>= 7;
        }
        chunk.reverse();
        body.extend_from_slice(&chunk);
    };
    push_base128(arcs[0] * 40 + arcs[1]);
    for arc in &arcs[2..] {
        push_base128(*arc);
    }
    tlv(0x06, &body)
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub(crate) fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|b| *b == 0).collect();
    let mut body = if trimmed.is_empty() { vec![0] } else { trimmed };
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(0x02, &body)
}

/// A UTF8String.
pub(crate) fn utf8_string(text: &str) -> Vec<u8> {
    tlv(0x0c, text.as_bytes())
}

/// A UTCTime, e.g. `"000101000000Z"`.
pub(crate) fn utc_time(text: &str) -> Vec<u8> {
    tlv(0x17, text.as_bytes())
}

/// A BOOLEAN.
pub(crate) fn boolean(value: bool) -> Vec<u8> {
    tlv(0x01, &[if value { 0xff } else { 0x00 }])
}

/// A BIT STRING with no unused bits.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes.len() + 1);
    body.push(0);
    body.extend_from_slice(bytes);
    tlv(0x03, &body)
}

/// An OCTET STRING.
pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// An explicitly tagged, constructed context-specific element `[n]`.
pub(crate) fn explicit(tag_number: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | tag_number, inner)
}

/// Splits a DER element into (whole element, content, rest of input).
pub(crate) fn read_element(input: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let first_len = *input.get(1)?;
    let (len, header) = if first_len < 0x80 {
        (first_len as usize, 2)
    } else {
        let count = (first_len & 0x7f) as usize;
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = input.get(2..2 + count)?;
        let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, 2 + count)
    };
    let end = header.checked_add(len)?;
    let element = input.get(..end)?;
    Some((element, &element[header..], &input[end..]))
}

/// The raw subject Name of a DER certificate, as the issuer of certificates it signs.
pub(crate) fn certificate_subject(certificate: &[u8]) -> Option<Vec<u8>> {
    let (_, certificate_content, _) = read_element(certificate)?;
    let (_, tbs, _) = read_element(certificate_content)?;
    // version [0], serialNumber, signature, issuer, validity, subject
    let mut rest = tbs;
    for _ in 0..5 {
        let (_, _, next) = read_element(rest)?;
        rest = next;
    }
    let (subject, _, _) = read_element(rest)?;
    Some(subject.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_long_lengths() {
        let content = vec![7u8; 300];
        let encoded = tlv(0x04, &content);
        assert_eq!(&encoded[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let (_, read, rest) = read_element(&encoded).unwrap();
        assert_eq!(read, &content[..]);
        assert!(rest.is_empty());
    }

    #[test]
    fn encodes_oids() {
        // 2.5.4.10 (organizationName) and 1.2.840.10045.4.3.2 (ecdsa-with-SHA256)
        assert_eq!(oid(&[2, 5, 4, 10]), vec![0x06, 0x03, 0x55, 0x04, 0x0a]);
        assert_eq!(
            oid(&[1, 2, 840, 10045, 4, 3, 2]),
            vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]
        );
    }

    #[test]
    fn integers_stay_positive() {
        assert_eq!(unsigned_integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(unsigned_integer(&[0x00, 0x01]), vec![0x02, 0x01, 0x01]);
        assert_eq!(unsigned_integer(&[]), vec![0x02, 0x01, 0x00]);
    }

    #[test]
    fn truncated_input_is_rejected() {
        assert!(read_element(&[0x30]).is_none());
        assert!(read_element(&[0x30, 0x05, 0x01]).is_none());
        assert!(read_element(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(certificate_subject(&[0x30, 0x00]).is_none());
    }
}
