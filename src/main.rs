use std::process::ExitCode;

use clap::Parser;
use oms_preflight::{app, cli::Cli, exit};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // Not eprintln!: with stderr gone it would panic inside the hook and abort.
        oms_preflight::output::stderr(&format!(
            "oms-preflight: internal error: {info}\nplease report this with the command you ran\n"
        ));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let printed = error.print();
            // --help and --version go to stdout: a failed write there is a failed output (a
            // closed pipe is not).
            if let (false, Err(failed)) = (error.use_stderr(), printed)
                && failed.kind() != std::io::ErrorKind::BrokenPipe
            {
                oms_preflight::output::stderr(&format!("cannot write stdout: {failed}\n"));
                return ExitCode::from(exit::OUTPUT_FAILED);
            }
            // clap: 0 for --help/--version, 2 for usage errors (src/exit.rs).
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(exit::USAGE));
        }
    };
    ExitCode::from(std::panic::catch_unwind(|| app::run(cli)).unwrap_or(exit::INTERNAL))
}
