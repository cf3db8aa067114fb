//! What every command can reach: the active cloud, the engine's wizard context (which holds
//! the signed-in sessions), the cancellation registry and the last diagnosis (for the export).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scim_core::auth::{BrowserLauncher, FollowRedirectsLauncher, SystemBrowser};
use scim_core::diagnose::DiagnoseReport;
use scim_core::wizard::{SearchSlot, WizardContext};
use scim_core::Problem;
use tokio_util::sync::CancellationToken;

use super::cloud::ActiveCloud;
use super::desktop::Desktop;

pub type Opener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

pub struct AppState {
    pub cloud: ActiveCloud,
    /// Opens a URL in the system browser (tauri-plugin-opener, from Rust only).
    pub opener: Opener,
    /// Save and Open dialogs and the file manager, from Rust only.
    pub desktop: Arc<dyn Desktop>,
    pub ctx: WizardContext,
    pub launcher: Arc<dyn BrowserLauncher>,
    pub operations: Operations,
    /// The picker's search: a newer one aborts the one before. The app has one window; a
    /// second one would want a slot of its own.
    pub directory_search: SearchSlot,
    pub last_diagnosis: Mutex<Option<DiagnosisRecord>>,
    /// The last preview shown, so "Export" writes exactly what is on screen.
    pub last_preview: Mutex<Option<scim_core::wizard::PreviewReport>>,
    /// What start-up could not use (a broken profile or settings the window fell back from,
    /// a journal set aside), shown in the window until repaired.
    pub startup_problems: Vec<scim_core::startup::StartupProblem>,
}

/// What Diagnose last found, kept so "Export report" writes exactly what is on screen.
#[derive(Default, Clone)]
pub struct DiagnosisRecord {
    pub report: Option<DiagnoseReport>,
    pub job: Option<scim_core::entra::JobStatus>,
    pub logs: Vec<scim_core::entra::types::ProvisioningLogEntry>,
}

impl DiagnosisRecord {
    /// Keeps the log rows on screen: a new search replaces them, a further page adds to them.
    /// A folded run is kept as its newest entry, as the row shows it.
    pub fn keep_log_page(&mut self, page: &scim_core::entra::ProvisioningLogPage, further: bool) {
        if !further {
            self.logs.clear();
        }
        self.logs
            .extend(page.groups.iter().map(|group| group.entry.clone()));
    }
}

impl AppState {
    pub fn new(
        cloud: ActiveCloud,
        opener: Opener,
        desktop: Arc<dyn Desktop>,
    ) -> Result<Self, Problem> {
        let secrets = cloud.secret_store()?;
        let http = scim_core::http::HttpConfig {
            total_timeout: cloud.settings.request_timeout(),
            ..scim_core::http::HttpConfig::default()
        };
        let ctx = WizardContext::with_config(
            cloud.profile.clone(),
            &cloud.journal_dir()?,
            secrets,
            http,
            scim_core::wizard::WizardTuning::default(),
        )?;
        // A simulated cloud consents by itself, so its sign-in pages are followed here
        // instead of opening a browser; real clouds get the system browser, from Rust.
        let launcher: Arc<dyn BrowserLauncher> = if cloud.is_simulated() {
            Arc::new(FollowRedirectsLauncher::new()?)
        } else {
            let open = opener.clone();
            Arc::new(SystemBrowser::new(move |url| open(url)))
        };
        Ok(Self {
            cloud,
            opener,
            desktop,
            ctx,
            launcher,
            operations: Operations::default(),
            directory_search: SearchSlot::default(),
            last_diagnosis: Mutex::new(None),
            last_preview: Mutex::new(None),
            startup_problems: Vec::new(),
        })
    }
}

/// Long commands register a token under the UI's operation id; `cancel_operation` fires it.
#[derive(Default)]
pub struct Operations {
    running: Mutex<HashMap<String, (u64, CancellationToken)>>,
    /// What each running operation waits for now (a lock held by another process, a retry
    /// wait, a slow answer), for commands without a progress channel of their own.
    waits: Mutex<HashMap<String, NotedWait>>,
    next: std::sync::atomic::AtomicU64,
}

impl Operations {
    pub fn begin(&self, id: &str) -> OperationGuard<'_> {
        let token = CancellationToken::new();
        let generation = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut running = lock(&self.running);
        // The same id twice means the UI retried: the older run is abandoned.
        if let Some((_, old)) = running.insert(id.to_string(), (generation, token.clone())) {
            old.cancel();
        }
        OperationGuard {
            operations: self,
            id: id.to_string(),
            generation,
            token,
        }
    }

    /// True when something was running under that id.
    pub fn cancel(&self, id: &str) -> bool {
        match lock(&self.running).get(id) {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// What the operation under `id` waits for now, as the engine words it (through the
    /// gate); `None` when it waits for nothing or has ended. The UI asks every second while a
    /// command without a progress channel runs, so no wait is silent.
    pub fn waiting(&self, id: &str) -> Option<String> {
        let now = Instant::now();
        lock(&self.waits)
            .get(id)
            .filter(|wait| wait.until.is_none_or(|until| now < until))
            .map(|wait| wait.text.clone())
    }

    #[cfg(test)]
    pub fn count(&self) -> usize {
        lock(&self.running).len()
    }
}

/// One operation's current wait. A wait that is over must not go on being told as if it
/// lasted: the lock's wait is cleared once the lock is taken; an HTTP wait holds only until
/// `until`, since its call says nothing when it ends, only repeats itself while it lasts.
struct NotedWait {
    generation: u64,
    text: String,
    /// When the sentence stops being true unless repeated; `None`: until cleared or replaced.
    until: Option<Instant>,
}

/// How long an HTTP wait is told without being repeated: its call repeats it every
/// [`scim_core::http::HEARTBEAT`] while it lasts, so two heartbeats without a word mean the
/// call got its answer (one missed beat on a busy machine does not blank the line).
const HTTP_WAIT_HOLDS: Duration = scim_core::http::HEARTBEAT.saturating_mul(2);

pub struct OperationGuard<'a> {
    operations: &'a Operations,
    id: String,
    generation: u64,
    pub token: CancellationToken,
}

impl OperationGuard<'_> {
    /// Records `text` as what this operation waits for now (see [`Operations::waiting`]),
    /// told for `holds_for` unless repeated (`None`: until cleared or replaced).
    pub fn note_wait(&self, text: &str, holds_for: Option<Duration>) {
        lock(&self.operations.waits).insert(
            self.id.clone(),
            NotedWait {
                generation: self.generation,
                text: scim_core::gate::line(text),
                until: holds_for.map(|holds| Instant::now() + holds),
            },
        );
    }

    /// This operation waits for nothing any more (its own run's wait only: a newer run under
    /// the same id keeps its own).
    pub fn clear_wait(&self) {
        let mut waits = lock(&self.operations.waits);
        if waits
            .get(&self.id)
            .is_some_and(|wait| wait.generation == self.generation)
        {
            waits.remove(&self.id);
        }
    }

    /// Takes the data folder's writer lock as `command` (`WizardContext::begin_writing`), its
    /// wait told as this operation's until the lock is taken or given up on.
    /// Errors: `dataFolderBusy` past the lock's bound, `cancelled`, `storage`.
    pub async fn begin_writing(
        &self,
        ctx: &WizardContext,
        command: &str,
    ) -> Result<scim_core::data_folder_lock::DataFolderLock, Problem> {
        let writer = ctx.begin_writing(command, self, &self.token).await;
        self.clear_wait();
        writer
    }

    /// Runs `work`, noting every retry wait and slow answer of its HTTP calls as this
    /// operation's wait (`http::observe_retry_waits`). Returns `work`'s output.
    pub async fn observed<F: std::future::Future>(&self, work: F) -> F::Output {
        let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let work = scim_core::http::observe_retry_waits(waits, work);
        tokio::pin!(work);
        loop {
            tokio::select! {
                output = &mut work => return output,
                Some(wait) = heard.recv() => {
                    self.note_wait(&wait.describe(), Some(HTTP_WAIT_HOLDS));
                }
            }
        }
    }
}

/// One writing command that has no progress channel, from start to end: registers the
/// operation under `operation_id` (so Cancel reaches it), takes the data folder's writer lock
/// as `command` (its wait told through `operation_waiting`), opens Graph, and runs `work` with
/// the Graph client and the cancel token, every HTTP wait noted as the operation's.
/// Errors: `dataFolderBusy` past the lock's bound, sign-in Problems, then `work`'s.
pub async fn writing_with_graph<T>(
    state: &AppState,
    operation_id: &str,
    command: &str,
    work: impl AsyncFnOnce(
        &scim_core::entra::GraphClient,
        &CancellationToken,
    ) -> Result<T, scim_core::Problem>,
) -> Result<T, scim_core::Problem> {
    let op = state.operations.begin(operation_id);
    op.observed(async {
        let _writer = op.begin_writing(&state.ctx, command).await?;
        let graph = state.ctx.graph(&op.token).await?;
        work(&graph, &op.token).await
    })
    .await
}

/// A wait for the data folder's writer lock is this operation's wait too.
impl scim_core::progress::ProgressSink<scim_core::data_folder_lock::WaitingForWriter>
    for OperationGuard<'_>
{
    fn report(&self, event: scim_core::data_folder_lock::WaitingForWriter) {
        self.note_wait(&event.message(), None);
    }
}

impl Drop for OperationGuard<'_> {
    fn drop(&mut self) {
        self.clear_wait();
        let mut running = lock(&self.operations.running);
        // Only our own entry: a newer run under the same id stays registered.
        if running
            .get(&self.id)
            .is_some_and(|(generation, _)| *generation == self.generation)
        {
            running.remove(&self.id);
        }
    }
}

pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelling_fires_the_registered_token_and_ends_with_the_guard() {
        let operations = Operations::default();
        let guard = operations.begin("op-1");
        assert_eq!(operations.count(), 1);
        assert!(operations.cancel("op-1"));
        assert!(guard.token.is_cancelled());
        drop(guard);
        assert_eq!(operations.count(), 0);
        assert!(!operations.cancel("op-1"), "nothing left to cancel");
    }

    #[test]
    fn a_retry_under_the_same_id_abandons_the_older_run() {
        let operations = Operations::default();
        let first = operations.begin("op");
        let second = operations.begin("op");
        assert!(first.token.is_cancelled());
        assert!(!second.token.is_cancelled());
        drop(second);
        assert_eq!(operations.count(), 0);
        drop(first);
        assert_eq!(operations.count(), 0);
    }

    /// A wait is told while it is true and not after (invariant: the line is what the command
    /// waits for now): one that holds forever until cleared, several short ones whose time
    /// has passed, a cleared one, a newer one replacing an older, and the wait of a newer run
    /// under the same id, which the older run's end leaves alone.
    #[test]
    fn a_wait_is_told_while_it_holds_and_not_once_over_cleared_or_ended() {
        let operations = Operations::default();
        let guard = operations.begin("op");
        assert_eq!(operations.waiting("op"), None, "nothing noted yet");
        guard.note_wait("Waiting for another scim-setup, 30 s left", None);
        assert_eq!(
            operations.waiting("op").as_deref(),
            Some("Waiting for another scim-setup, 30 s left")
        );
        guard.note_wait(
            "Graph is throttling requests, 20 s left",
            Some(HTTP_WAIT_HOLDS),
        );
        assert_eq!(
            operations.waiting("op").as_deref(),
            Some("Graph is throttling requests, 20 s left"),
            "the newer wait replaces the older"
        );
        for over in [Duration::ZERO, Duration::from_nanos(1)] {
            guard.note_wait("Waiting for Graph to answer, 10 s left", Some(over));
            std::thread::sleep(Duration::from_millis(1));
            assert_eq!(operations.waiting("op"), None, "{over:?} has passed");
        }
        guard.note_wait("Waiting for another scim-setup, 25 s left", None);
        guard.clear_wait();
        assert_eq!(operations.waiting("op"), None, "cleared");
        // Hostile text is told through the gate: no control or bidi character survives.
        guard.note_wait("Waiting for \u{1b}[31mev\u{202e}il\u{7}, 5 s left", None);
        let told = operations.waiting("op").unwrap_or_default();
        assert!(
            !told
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{told:?}"
        );
        let newer = operations.begin("op");
        newer.note_wait("Waiting for the SCIM endpoint to answer, 50 s left", None);
        drop(guard);
        assert_eq!(
            operations.waiting("op").as_deref(),
            Some("Waiting for the SCIM endpoint to answer, 50 s left"),
            "the older run's end leaves the newer run's wait"
        );
        drop(newer);
        assert_eq!(operations.waiting("op"), None, "ended");
    }
}
