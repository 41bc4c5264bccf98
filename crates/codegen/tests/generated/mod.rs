//! The generator's output for the test definitions, compiled as it is written.

#![allow(dead_code)]

pub mod certificates {
    include!("certificates.rs");
}

pub mod servicemonitors {
    include!("servicemonitors.rs");
}

pub mod workloads {
    include!("workloads.rs");
}

pub mod roundtrip {
    include!("roundtrip.rs");
}
