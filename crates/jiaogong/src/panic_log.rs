//! A panic is logged as one line through `tracing` (where, and what it said), instead of the
//! default message and backtrace on standard error: a panic inside a parser (calamine, zip) is
//! caught where it is read and answered as a damaged file, and the server's log keeps one line
//! for it (issue 12, finding 14).

use std::panic::PanicHookInfo;

/// The longest panic message kept in the log line.
const MAX_MESSAGE_CHARS: usize = 300;

/// Replaces the default panic hook for the whole process.
pub(crate) fn install() {
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(target: "jiaogong::panic", "{}", describe(info));
    }));
}

/// `panic at src/file.rs:12 in thread 'name': message`, on one line.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("unnamed");
    format!("panic{at} in thread '{name}': {}", one_line(message))
}

/// The message with control characters (line breaks among them) as spaces, cut to
/// [`MAX_MESSAGE_CHARS`].
fn one_line(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_MESSAGE_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if s.chars().count() > MAX_MESSAGE_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log writer into memory.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buf {
        type Writer = Buf;
        fn make_writer(&'a self) -> Buf {
            self.clone()
        }
    }

    #[test]
    fn a_panic_is_logged_as_one_line_without_a_backtrace() {
        let buf = Buf::default();
        let subscriber = tracing_subscriber::fmt().with_writer(buf.clone()).with_ansi(false).finish();
        install();
        let caught = tracing::subscriber::with_default(subscriber, || {
            std::panic::catch_unwind(|| {
                let lines = ["bad", "workbook"];
                panic!("{}", lines.join("\n"));
            })
        });
        drop(std::panic::take_hook());
        assert!(caught.is_err());
        let log = String::from_utf8(buf.0.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default();
        assert_eq!(log.lines().count(), 1, "{log}");
        assert!(log.contains("ERROR") && log.contains("panic at crates/jiaogong/src/panic_log.rs:"), "{log}");
        assert!(log.contains("bad workbook"), "{log}");
        assert!(!log.contains("stack backtrace") && !log.contains("RUST_BACKTRACE"), "{log}");
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(1000);
        assert_eq!(one_line(&long).chars().count(), MAX_MESSAGE_CHARS + 1);
        assert_eq!(one_line("a\r\nb\tc"), "a  b c");
    }
}
