//! The `jiaogong` binary: clap commands wiring configuration → store → web (API.md).

mod cli;
mod demo;
mod demo_evalsel;
mod demo_proposals;

use std::process::ExitCode;

/// A server answering many small requests allocates and frees a lot: mimalloc does it with
/// less contention and fragmentation than the system allocator (docs/adr/008).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
