//! The process killed between a create and its journal write (the test-only switch
//! `SCIM_SETUP_TEST_ABORT_AFTER_CREATE` aborts right after the create): the next `setup`
//! finds what was made and creates nothing twice: one service account, one bearer token,
//! one provisioning job (checked through `/_sandbox/state`).

use crate::cli_support::Desktop;
use crate::shared::sandbox_state::{bearer_tokens, count, sandbox_with_fast_cycles};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_after_each_create_is_finished_by_the_next_without_duplicates() {
    let sandbox = sandbox_with_fast_cycles().await;
    let profile = sandbox.profile();
    let control = profile["sandbox"]["control"]
        .as_str()
        .expect("control")
        .to_string();
    let upn = profile["sandbox"]["sampleUserUpns"][1]
        .as_str()
        .expect("a sample user")
        .to_string();
    let state = || async {
        reqwest::get(format!("{control}/state"))
            .await
            .expect("state")
            .json::<Value>()
            .await
            .expect("state json")
    };
    let before = state().await;
    let desktop = Desktop::new(&profile);
    for point in ["serviceAccount", "bearerToken", "provisioningJob"] {
        let run = desktop
            .run_with_env(
                &[("SCIM_SETUP_TEST_ABORT_AFTER_CREATE", point)],
                &["setup", "--provision", &upn, "--json"],
            )
            .await;
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(&format!("ABORT_AFTER_CREATE={point}")),
            "{point}: the run was killed at its create: {stderr}"
        );
    }
    let last = desktop.run(&["setup", "--provision", &upn, "--json"]).await;
    assert_eq!(
        last.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&last.stdout)
    );
    let after = state().await;
    assert_eq!(
        count(&after, "serviceAccounts"),
        count(&before, "serviceAccounts") + 1,
        "one service account"
    );
    assert_eq!(
        bearer_tokens(&after),
        bearer_tokens(&before) + 1,
        "one bearer token"
    );
    assert_eq!(count(&after, "syncJobs"), 1, "one provisioning job");
    sandbox.shutdown().await;
}
