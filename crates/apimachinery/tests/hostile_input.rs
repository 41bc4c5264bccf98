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

/// Quantities of any length parse, print, compare and add in time linear in their
/// length: 100,000 digits take milliseconds, where quadratic work would take minutes.
#[test]
fn long_quantities_take_linear_time() {
    let started = std::time::Instant::now();
    for digits in [10_000, 100_000] {
        let int = "7".repeat(digits);
        let frac = "3".repeat(digits);
        for text in [
            int.clone(),
            format!("-{int}.{frac}"),
            format!("0.{frac}Ki"),
            format!("{int}e-{digits}"),
            format!("{int}Ei"),
            format!("1{}", "0".repeat(digits)),
        ] {
            let q = Quantity::parse(&text).unwrap_or_else(|e| panic!("{} digits: {e}", text.len()));
            let printed = q.to_string();
            let back = Quantity::parse(&printed).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back.to_string(), printed);
            let mut sum = q.clone();
            sum.add(&q);
            sum.sub(&q);
            assert_eq!(sum, q);
            sum.add(&back);
            assert!(sum.sign() == q.sign() || back.sign() != q.sign());
            let _ = q.value();
            let _ = q.as_approximate_f64();
        }
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
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
