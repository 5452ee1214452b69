//! A spinner on standard error while a long read runs: the binary's, never the library's.

/// See [`Global::spinner`].
pub struct Spinner {
    bar: Option<indicatif::ProgressBar>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Spinner {
    pub(super) fn start(what: &str, show: bool) -> Spinner {
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = std::sync::Arc::new(AtomicBool::new(false));
        if !show {
            return Spinner { bar: None, done };
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        let (b, d) = (bar.clone(), done.clone());
        // Loads shorter than a second show nothing.
        std::thread::spawn(move || {
            for _ in 0..20 {
                std::thread::sleep(std::time::Duration::from_millis(50));
                if d.load(Ordering::Relaxed) {
                    return;
                }
            }
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
        });
        Spinner {
            bar: Some(bar),
            done,
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
