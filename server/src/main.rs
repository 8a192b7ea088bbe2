//! The `sspr-server` binary: parses the command line and hands over to the library.

use clap::Parser;
use sspr_server::cli::{self, Cli};

/// mimalloc rather than the C library's allocator: a flow start allocates and frees many small
/// buffers across the async workers and the database threads, and glibc's malloc and free took
/// about a sixth of the server's CPU under load; with mimalloc a flow start cost 6–28 % less
/// CPU (`docs/performance.md`, "2026-12-06, night"). Built without transparent huge pages
/// (`no_thp`), which would hold 2 MiB pages for a few KiB of live memory and double the idle
/// footprint.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main(Cli::parse())
}
