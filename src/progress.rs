//! A progress line on stderr for long runs: shown only when stderr is a terminal and the run
//! has taken longer than a moment, redrawn a few times a second, and erased before results
//! are printed and when the run ends. Elsewhere (CI logs, pipes, files) nothing is written.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the line appears: short runs print nothing.
const DELAY: Duration = Duration::from_millis(300);
/// The least time between two redraws.
const INTERVAL: Duration = Duration::from_millis(100);
/// Width of the bar, in characters.
const BAR: usize = 24;

type Sink = Box<dyn FnMut(&str) + Send>;

/// Progress of a run over a known number of items; cheap to advance from many threads.
pub struct Progress {
    inner: Option<Inner>,
}

struct Inner {
    label: &'static str,
    unit: &'static str,
    total: usize,
    done: AtomicUsize,
    start: Instant,
    delay: Duration,
    state: Mutex<State>,
}

struct State {
    last_draw: Option<Instant>,
    shown: bool,
    out: Sink,
}

impl Progress {
    /// Progress over `total` items (`unit`, e.g. "files"), labelled with the command's name.
    /// Hidden unless stderr is a terminal (and `TERM` is not `dumb`).
    pub fn new(label: &'static str, unit: &'static str, total: usize) -> Progress {
        let terminal =
            std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        if !terminal {
            return Progress::hidden();
        }
        let out: Sink = Box::new(|s: &str| {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(s.as_bytes()).and_then(|()| err.flush());
        });
        Progress::with_output(label, unit, total, DELAY, out)
    }

    /// Progress that shows nothing.
    pub fn hidden() -> Progress {
        Progress { inner: None }
    }

    /// Progress drawn to `out` once `delay` has passed (for tests).
    fn with_output(
        label: &'static str,
        unit: &'static str,
        total: usize,
        delay: Duration,
        out: Sink,
    ) -> Progress {
        Progress {
            inner: Some(Inner {
                label,
                unit,
                total,
                done: AtomicUsize::new(0),
                start: Instant::now(),
                delay,
                state: Mutex::new(State {
                    last_draw: None,
                    shown: false,
                    out,
                }),
            }),
        }
    }

    /// Counts `n` more items done, and redraws when it is time to.
    pub fn advance(&self, n: usize) {
        let Some(inner) = &self.inner else { return };
        let done = inner.done.fetch_add(n, Ordering::Relaxed) + n;
        if inner.start.elapsed() < inner.delay {
            return;
        }
        // Another thread drawing now is as good as this one drawing.
        let Ok(mut state) = inner.state.try_lock() else {
            return;
        };
        if state
            .last_draw
            .is_some_and(|last| last.elapsed() < INTERVAL)
        {
            return;
        }
        let line = line(inner.label, inner.unit, done.min(inner.total), inner.total);
        (state.out)(&format!("\r\x1b[2K{line}"));
        state.last_draw = Some(Instant::now());
        state.shown = true;
    }

    /// Erases the line, if it is shown, so that other output starts on a clean line; the
    /// next [`Progress::advance`] draws it again.
    pub fn clear(&self) {
        let Some(inner) = &self.inner else { return };
        let mut state = match inner.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        if state.shown {
            (state.out)("\r\x1b[2K");
            state.shown = false;
            state.last_draw = None;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// `validate [=========>              ] 412/2000 files  20%`
fn line(label: &str, unit: &str, done: usize, total: usize) -> String {
    let filled = (done * BAR).checked_div(total).unwrap_or(BAR);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let mut bar = "=".repeat(filled);
    if filled < BAR {
        bar.push('>');
        bar.push_str(&" ".repeat(BAR - filled - 1));
    }
    format!("{label} [{bar}] {done}/{total} {unit} {percent:>3}%")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_line_shows_the_count_and_share() {
        assert_eq!(
            line("validate", "files", 500, 2000),
            "validate [======>                 ] 500/2000 files  25%"
        );
        assert_eq!(
            line("check", "environments", 3, 3),
            "check [========================] 3/3 environments 100%"
        );
        assert_eq!(
            line("lint", "files", 0, 0),
            "lint [========================] 0/0 files 100%"
        );
    }

    fn captured(delay: Duration) -> (Progress, Arc<Mutex<String>>) {
        let written = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&written);
        let progress = Progress::with_output(
            "validate",
            "files",
            4,
            delay,
            Box::new(move |s: &str| sink.lock().unwrap().push_str(s)),
        );
        (progress, written)
    }

    #[test]
    fn short_runs_draw_nothing() {
        let (progress, written) = captured(Duration::from_secs(60));
        progress.advance(4);
        progress.clear();
        drop(progress);
        assert_eq!(*written.lock().unwrap(), "");
    }

    #[test]
    fn draws_then_erases() {
        let (progress, written) = captured(Duration::ZERO);
        progress.advance(1);
        // Too soon after the first draw: not redrawn.
        progress.advance(1);
        progress.clear();
        progress.clear();
        progress.advance(1);
        drop(progress);
        assert_eq!(
            *written.lock().unwrap(),
            "\r\x1b[2Kvalidate [======>                 ] 1/4 files  25%\r\x1b[2K\
             \r\x1b[2Kvalidate [==================>     ] 3/4 files  75%\r\x1b[2K"
        );
    }
}
