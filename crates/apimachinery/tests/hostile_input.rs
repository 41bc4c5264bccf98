//! Hostile input never panics: random and truncated strings and bytes fed to every
//! parser that reads data from the network, files or users (a bounded proptest run).

use clientgo_apimachinery::errors::{HttpResponse, StatusError};
use clientgo_apimachinery::meta::{Status, Time};
use clientgo_apimachinery::watch::WatchEvent;
use clientgo_apimachinery::{Quantity, Unstructured, fields, labels};
use proptest::prelude::*;

/// Strings built from the characters the grammars care about, plus anything.
fn grammar_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9=!,() .\\-_/]{0,40}",
        "[0-9.eEkMGTPKimunx+\\-]{0,24}",
        any::<String>(),
    ]
}

fn json_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[{}\\[\\]\":,a-zA-Z0-9 ]{0,120}".prop_map(String::into_bytes),
        Just(br#"{"type":"ERROR","object":{"kind":"Status","code":410}}"#.to_vec()),
        Just(br#"{"type":"ADDED","object":{"metadata":{"name":"x"}}}"#.to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn selectors_and_quantities_reject_garbage_without_panicking(text in grammar_text()) {
        let _ = labels::Selector::parse(&text);
        let _ = fields::Selector::parse(&text);
        if let Ok(quantity) = Quantity::parse(&text) {
            // Whatever parses must print and parse again.
            let printed = quantity.to_string();
            prop_assert!(Quantity::parse(&printed).is_ok(), "{printed}");
        }
        let _ = Time::parse(&text);
    }

    #[test]
    fn truncated_and_random_bodies_never_panic(body in json_like(), cut in 0usize..200, code in 100u16..600) {
        let body = &body[..cut.min(body.len())];
        let _ = serde_json::from_slice::<WatchEvent<Unstructured>>(body);
        let _ = serde_json::from_slice::<Status>(body);
        let _ = serde_json::from_slice::<Unstructured>(body);
        let error = StatusError::from_response(&HttpResponse {
            code,
            verb: "GET",
            resource: None,
            name: "",
            content_type: None,
            body,
            retry_after_seconds: 0,
        });
        prop_assert!(error.code() != 0 || code == 0);
    }
}
