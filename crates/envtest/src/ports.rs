//! Free loopback ports.

use std::net::TcpListener;

use crate::error::{Result, io_error};

/// A TCP port on 127.0.0.1 that nothing listens on right now.
///
/// Another process may take it before the component binds it; start-up retries with
/// new ports when a component reports its address in use.
pub(crate) fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io_error("binding", "127.0.0.1:0"))?;
    let port = listener
        .local_addr()
        .map_err(io_error("reading the address of", "127.0.0.1:0"))?
        .port();
    Ok(port)
}
