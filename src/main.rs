//! The `tradestat` binary: parse the command line, run it, print errors with their causes.

mod cli;

use clap::Parser;

// mimalloc, as polars applications use: polars allocates and frees many short-lived buffers.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// polars' warnings (`polars_warn!`) are for polars' own users: by default polars prints them on
/// stderr, where a tradestat user would read text about polars internals between tradestat's
/// notes. tradestat says what matters about the data in its own notes, so they are dropped.
fn drop_polars_warning(_message: &str, _kind: polars::error::PolarsWarning) {}

fn main() {
    clean_up_when_interrupted();
    polars::error::set_warning_function(drop_polars_warning);
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => {}
        Err(e) => {
            // A closed pipe (`tradestat ... | head`) is not a failure.
            if let tradestat::Error::Write { source, .. } = &e
                && source.kind() == std::io::ErrorKind::BrokenPipe
            {
                std::process::exit(0);
            }
            // Messages quote input files: their control characters never reach the terminal.
            let clean = |t: String| tradestat::output::terminal_clean(&t);
            eprintln!("error: {}", clean(e.to_string()));
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                eprintln!("  caused by: {}", clean(c.to_string()));
                cause = c.source();
            }
            std::process::exit(e.exit_code());
        }
    }
}

/// Interrupted (Ctrl-C, SIGTERM): remove the temporary files and staging folders in use, then
/// end as a shell expects of an interrupted program (128 + the signal). The two signals are
/// blocked in every thread (the mask is inherited by the threads started later) and taken by
/// one thread with `sigwait`, where the clean-up may do anything, unlike a signal handler.
#[cfg(unix)]
fn clean_up_when_interrupted() {
    // SAFETY: plain libc calls on a sigset_t owned here; the set is copied into the thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || {
            let mut sig = 0;
            if libc::sigwait(&set, &mut sig) == 0 {
                tradestat::cleanup::remove_all();
                std::process::exit(128 + sig);
            }
        });
    }
}

#[cfg(not(unix))]
fn clean_up_when_interrupted() {}
