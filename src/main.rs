use std::process::ExitCode;

use clap::Parser;
use oms_preflight::{app, cli::Cli, exit};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "oms-preflight: internal error: {info}\nplease report this with the command you ran"
        );
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap: 0 for --help/--version, 2 for usage errors (src/exit.rs).
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    ExitCode::from(std::panic::catch_unwind(|| app::run(cli)).unwrap_or(exit::INTERNAL))
}
