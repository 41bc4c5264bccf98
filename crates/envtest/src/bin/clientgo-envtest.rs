//! `clientgo-envtest`: install binaries, and start or stop local control planes.
//! See the `cli` module of the `clientgo-envtest` crate for the commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let outcome = match clientgo_envtest::cli::parse(std::env::args().skip(1)) {
        Ok(command) => clientgo_envtest::cli::execute(command).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("clientgo-envtest: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
