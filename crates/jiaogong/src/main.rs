//! The `jiaogong` binary: clap commands wiring configuration → store → web (API.md).

/// Prints a line on standard output. When the reader has gone away (`jiaogong … | head`), the
/// command stops quietly instead of panicking over the closed pipe; what it had to do is done.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::emit_line(format_args!($($arg)*))
    };
}

mod cli;
mod demo;
mod demo_activities;
mod demo_bulk;
mod demo_bulk_more;
mod demo_care;
mod demo_congress;
mod demo_evalsel;
mod demo_finance;
mod demo_library;
mod demo_notices;
mod demo_plans;
mod demo_proposals;
mod demo_transparency;
mod panic_log;

use std::process::ExitCode;

/// A server answering many small requests allocates and frees a lot: mimalloc does it with
/// less contention and fragmentation than the system allocator (docs/adr/008).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub(crate) fn emit_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_fmt(args).and_then(|_| o.write_all(b"\n")).and_then(|_| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("{e}");
    }
}

fn main() -> ExitCode {
    cli::main()
}
