//! Never silent on the command line: every call that keeps a command waiting (a retry wait, a
//! service yet to answer) prints what it waits for and the seconds left, on stderr, so stdout
//! stays the command's output (clean JSON with `--json`).

use std::future::Future;

use scim_core::http::observe_retry_waits;

/// Runs `work`, printing each wait the engine reports inside it as one line on stderr.
/// Commands whose engine call reports waits as its own progress (setup, provision, diagnose)
/// print them there instead: the innermost observer hears them.
pub async fn printing_waits<F: Future>(work: F) -> F::Output {
    let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel();
    // On the heap: a command's run is one large future.
    let mut work = Box::pin(observe_retry_waits(waits, work));
    loop {
        tokio::select! {
            biased;
            Some(wait) = heard.recv() => eprintln!("    {}", wait.describe()),
            output = &mut work => {
                while let Ok(wait) = heard.try_recv() {
                    eprintln!("    {}", wait.describe());
                }
                return output;
            }
        }
    }
}
