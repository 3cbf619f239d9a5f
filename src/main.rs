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
    let result = match shipshape::cli::Cli::try_parse() {
        Ok(cli) => shipshape::cli::run(cli),
        // `--help` and `--version` go to stdout, whose failure (a full disk) is an error.
        Err(e) if !e.use_stderr() => {
            let text = if shipshape::report::stdout_wants_color() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            shipshape::fsutil::write_stdout(text.as_bytes()).map(|_| ExitCode::SUCCESS)
        }
        Err(e) => e.exit(),
    };
    match result {
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
