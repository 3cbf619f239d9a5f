use std::process::ExitCode;

use clap::Parser;

shipshape::use_allocator!();

fn main() -> ExitCode {
    // Exit quietly when the reader of our output goes away (`shipshape diff | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = shipshape::cli::Cli::parse();
    match shipshape::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
