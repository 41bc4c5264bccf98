//! client-go's `tools/watch`: a watch that survives connection ends
//! ([`RetryWatcher`]) and waiting for a condition on an informer-backed stream
//! ([`until_with_sync`]), and waiting for one object's condition ([`await_condition`],
//! with [`conditions`]).

mod condition;
mod retry_watcher;
mod until;

pub use condition::{await_condition, conditions};
pub use retry_watcher::RetryWatcher;
pub use until::{Precondition, until_with_sync};
