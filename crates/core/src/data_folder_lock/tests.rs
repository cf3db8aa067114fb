//! The writer lock's promises: one holder at a time, a bounded wait that says whom it waits
//! for, a Problem naming the holder past the bound, and a record left by a killed holder taken
//! over. Other processes are played by a shell and util-linux `flock(1)`, which takes the same
//! flock(2) lock std's `File::try_lock` does on Linux.

use std::process::{Child, Command};

use super::*;
use crate::problem::ProblemKind;
use crate::progress::{CollectProgress, NoProgress};

fn never() -> CancellationToken {
    CancellationToken::new()
}

/// Another process holding `folder`'s lock (a `flock` running `sleep`), with the record a
/// scim-setup of that pid would write; returns it once the lock is surely taken.
#[cfg(target_os = "linux")]
fn other_process_holding(folder: &Path, command: &str) -> Child {
    std::fs::create_dir_all(folder).expect("folder");
    // One process, no children: the shell locks fd 9 and becomes `sleep`, so a kill of this
    // pid is the kill of the holder.
    let mut child = Command::new("sh")
        .args([
            "-c",
            "exec 9>>\"$1\" && flock 9 && exec sleep 600",
            "holder",
        ])
        .arg(folder.join(LOCK_FILE))
        .spawn()
        .expect("sh and flock(1) (util-linux) run");
    let record = LockHolder {
        pid: child.id(),
        started_at: "2026-01-02T03:04:05Z".into(),
        command: command.into(),
        version: "0.1.0".into(),
    };
    std::fs::write(
        folder.join(HOLDER_FILE),
        serde_json::to_string(&record).expect("json"),
    )
    .expect("record");
    // Taken once our own try fails.
    let probe = open_lock_file(folder).expect("open");
    for _ in 0..500 {
        if matches!(probe.try_lock(), Err(TryLockError::WouldBlock)) {
            return child;
        }
        let _ = probe.unlock();
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("flock never took the lock");
}

#[tokio::test]
async fn one_holder_at_a_time_and_a_waiter_gets_it_when_the_holder_lets_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = acquire(dir.path(), "setup", DEFAULT_WAIT, &NoProgress, &never())
        .await
        .expect("free");
    let record = LockHolder::read(&dir.path().join(HOLDER_FILE)).expect("a record");
    assert_eq!(
        (record.pid, record.command.as_str()),
        (std::process::id(), "setup")
    );
    // Busy for every other taker, waiting or not.
    let refused = try_acquire(dir.path(), "window: pause").expect_err("held");
    assert_eq!(refused.kind(), ProblemKind::DataFolderBusy);
    let heard = CollectProgress::default();
    let release = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(first);
    };
    let cancel = never();
    let (second, ()) = tokio::join!(
        acquire(
            dir.path(),
            "provision",
            Duration::from_secs(60),
            &heard,
            &cancel
        ),
        release
    );
    let second = second.expect("taken once the first let go");
    assert!(
        second.took_over().is_none(),
        "a clean release leaves no record"
    );
    let events = heard.events();
    assert!(!events.is_empty(), "the waiter said it was waiting");
    assert!(
        events[0]
            .message()
            .starts_with("Waiting for another operation of this scim-setup (`setup`, started at "),
        "{}",
        events[0].message()
    );
    drop(second);
    assert!(
        !dir.path().join(HOLDER_FILE).exists(),
        "released: no record left"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn past_its_bound_a_waiter_stops_naming_the_holder_and_says_so_every_few_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut holder = other_process_holding(dir.path(), "setup");
    let pid = holder.id();
    // Several bounds, none (the synchronous try) included: always the same Problem.
    for bound in [0, 250, 1_200, 5_500] {
        let heard = CollectProgress::default();
        let wait = Duration::from_millis(bound);
        let started = Instant::now();
        let problem = if bound == 0 {
            try_acquire(dir.path(), "rotate-token").expect_err("busy")
        } else {
            acquire(dir.path(), "rotate-token", wait, &heard, &never())
                .await
                .expect_err("busy")
        };
        assert!(
            started.elapsed() < wait + Duration::from_secs(10),
            "gives up at its bound"
        );
        assert_eq!(problem.kind(), ProblemKind::DataFolderBusy, "{problem}");
        let cause = &problem.info().cause;
        assert!(
            cause.starts_with(&format!(
                "Another scim-setup (process {pid}, `setup`, started at "
            )),
            "{cause}"
        );
        assert!(cause.contains("is working on this data folder"), "{cause}");
        assert!(cause.contains(&dir.path().display().to_string()), "{cause}");
        let reports = heard.events();
        // Said at once, then every 5 s: no silence longer than that.
        let expected = if bound == 0 {
            0
        } else {
            1 + (bound as usize - 1) / 5_000
        };
        assert_eq!(reports.len(), expected, "{bound} ms: {reports:?}");
        for report in &reports {
            assert!(
                report
                    .message()
                    .contains(&format!("(process {pid}, `setup`")),
                "{}",
                report.message()
            );
            assert!(report.seconds_left <= wait.as_secs() + 1);
        }
    }
    holder.kill().expect("kill");
    holder.wait().expect("reaped");
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_lock_whose_holder_was_killed_is_taken_over_and_its_record_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut holder = other_process_holding(dir.path(), "setup");
    let pid = holder.id();
    // A waiter started before the kill gets the lock after it (the OS drops a killed
    // process's lock), and says whose record it replaced.
    let killer = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        holder.kill().expect("kill -9");
        holder.wait().expect("reaped");
    };
    let cancel = never();
    let (taken, ()) = tokio::join!(
        acquire(
            dir.path(),
            "setup",
            Duration::from_secs(60),
            &NoProgress,
            &cancel
        ),
        killer
    );
    let taken = taken.expect("taken over");
    assert_eq!(taken.took_over().map(|left| left.pid), Some(pid));
    let said = taken.takeover_message().expect("said");
    assert!(
        said.starts_with(&format!(
            "Took over the lock left by process {pid} (no longer running"
        )),
        "{said}"
    );
    let record = LockHolder::read(&dir.path().join(HOLDER_FILE)).expect("record");
    assert_eq!(
        record.pid,
        std::process::id(),
        "the record names the new holder"
    );
}

#[tokio::test]
async fn left_records_are_taken_over_and_unreadable_ones_name_nobody() {
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join(HOLDER_FILE);
    // A crash leaves the record but never the lock: one of another process is taken over;
    // a torn, foreign or hostile file is replaced without a made-up name.
    let left = LockHolder {
        pid: u32::MAX - 7,
        started_at: "2026-01-02T03:04:05Z".into(),
        command: "setup".into(),
        version: "0.1.0".into(),
    };
    let cases = [
        (serde_json::to_string(&left).expect("json"), Some(left.pid)),
        ("{\"pid\": 12".to_string(), None),
        ("\u{1b}[2J not json".to_string(), None),
    ];
    for (text, taken_from) in cases {
        std::fs::write(&record, &text).expect("write");
        let lock = acquire(dir.path(), "sign-out", DEFAULT_WAIT, &NoProgress, &never())
            .await
            .expect("free");
        assert_eq!(lock.took_over().map(|h| h.pid), taken_from, "{text:?}");
        drop(lock);
    }
}

#[tokio::test]
async fn a_cancelled_wait_ends_at_once_with_cancelled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _held = try_acquire(dir.path(), "setup").expect("free");
    let cancel = CancellationToken::new();
    cancel.cancel();
    let problem = acquire(dir.path(), "provision", DEFAULT_WAIT, &NoProgress, &cancel)
        .await
        .expect_err("cancelled");
    assert_eq!(problem.kind(), ProblemKind::Cancelled);
}

#[test]
fn the_wait_bound_reads_whole_seconds_and_falls_back_to_the_default() {
    // Only this test touches the variable, and it restores it.
    let before = std::env::var(WAIT_ENV).ok();
    for (text, expected) in [
        (Some("5"), Duration::from_secs(5)),
        (Some(" 0 "), Duration::ZERO),
        (Some("-1"), DEFAULT_WAIT),
        (Some("soon"), DEFAULT_WAIT),
        (None, DEFAULT_WAIT),
    ] {
        match text {
            Some(text) => std::env::set_var(WAIT_ENV, text),
            None => std::env::remove_var(WAIT_ENV),
        }
        assert_eq!(wait_bound(), expected, "{text:?}");
    }
    match before {
        Some(value) => std::env::set_var(WAIT_ENV, value),
        None => std::env::remove_var(WAIT_ENV),
    }
}

#[test]
fn two_journal_stores_on_one_file_lose_none_of_each_others_changes() {
    use crate::wizard::{JournalStore, StepId};
    use crate::CloudProfile;
    // Two processes' journals: each opened before the other wrote, so each holds a stale
    // copy; every change still lands on top of the other's (no lost update).
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = CloudProfile::global();
    let window = JournalStore::open(dir.path(), &profile).expect("open");
    let script = JournalStore::open(dir.path(), &profile).expect("open");
    script
        .update(|j| j.unity.token_id = Some("token-1".into()))
        .expect("write");
    window
        .update(|j| j.entra.tenant_name = Some("Contoso".into()))
        .expect("write");
    script.mark_done(StepId::ProvisioningJob).expect("write");
    window
        .update(|j| j.entra.job_id = Some("scim.job".into()))
        .expect("write");
    for store in [&window, &script] {
        store.reload();
        let seen = store.snapshot();
        assert_eq!(seen.unity.token_id.as_deref(), Some("token-1"));
        assert_eq!(seen.entra.tenant_name.as_deref(), Some("Contoso"));
        assert_eq!(seen.entra.job_id.as_deref(), Some("scim.job"));
        assert!(seen.is_done(StepId::ProvisioningJob));
    }
    // Interleaved from threads, many times over: every write kept.
    let stores = std::sync::Arc::new([window, script]);
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let stores = stores.clone();
            std::thread::spawn(move || {
                for step in 0..20 {
                    let id = format!("w{writer}-s{step}");
                    stores[writer % 2]
                        .update(move |j| {
                            j.steps_done
                                .insert(id, crate::wizard::context::journal::now());
                        })
                        .expect("write");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let reopened = JournalStore::open(dir.path(), &profile).expect("reopen");
    assert_eq!(reopened.snapshot().steps_done.len(), 1 + 4 * 20);
}
