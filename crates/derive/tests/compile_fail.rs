//! Misuse of the derives fails to compile with an error that says what to do.

#[test]
fn misuse_is_refused_with_readable_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
