//! The `jiaogong` binary: clap commands wiring configuration → store → web (API.md).

mod cli;
mod demo;
mod demo_evalsel;
mod demo_proposals;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
