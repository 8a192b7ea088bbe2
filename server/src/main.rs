//! The `sspr-server` binary: parses the command line and hands over to the library.

use clap::Parser;
use sspr_server::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    cli::main(Cli::parse())
}
