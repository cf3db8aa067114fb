//! Reconciling what an interrupted run left, against the sandbox: with an open `bearerToken`
//! intent in the journal, step 1 revokes exactly the tokens this app minted in the intent's
//! time window that neither the keychain nor Entra holds, and no other (invariant: no orphaned
//! credential, and never a token this app did not make or one still in use).

use std::collections::BTreeSet;

use crate::engine_support;
use crate::engine_support::{api_setup, setup};
use scim_core::wizard::context::intents::{CreateIntent, IntentKind};
use scim_core::wizard::{ensure_unity_credentials, UnityOptions, WizardProgress};
use serde_json::Value;

const OURS: &str = "Microsoft Entra ID provisioning (scim-setup)";
const OURS_ROTATED: &str = "Microsoft Entra ID provisioning (scim-setup, rotated)";

/// The live tokens of `account_id`: last four → description.
fn live_tokens(state: &Value, account_id: &str) -> BTreeSet<String> {
    state["serviceAccounts"]
        .as_array()
        .and_then(|all| all.iter().find(|sa| sa["id"] == account_id))
        .and_then(|sa| sa["bearerTokens"].as_array())
        .map(|tokens| {
            tokens
                .iter()
                .filter(|t| t["revoked"] == false)
                .filter_map(|t| t["lastFour"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn revoked_lines(progress: &[WizardProgress]) -> BTreeSet<String> {
    progress
        .iter()
        .filter_map(|event| match event {
            WizardProgress::Note { message, .. } if message.starts_with("Revoked bearer token") => {
                Some(message.clone())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_intent_revokes_only_our_tokens_in_its_window_that_nobody_holds() {
    let env = engine_support::start().await;
    setup(&env, api_setup(Vec::new(), Default::default())).await;
    let journal = env.ctx.journal.snapshot();
    let org = journal.unity.org_id.clone().expect("org");
    let account = journal.unity.service_account_id.clone().expect("account");
    let kept_in_keychain = journal.unity.token_last_four.clone().expect("last four");
    assert_eq!(
        journal.entra.secret_token_last_four.as_deref(),
        Some(kept_in_keychain.as_str()),
        "the journal records the token saved in Entra"
    );
    let unity = env.unity().await;
    let mint = |description: &'static str| {
        let (unity, org, account, cancel) = (&unity, &org, &account, &env.cancel);
        async move {
            unity
                .create_bearer_token(org, account, description, cancel)
                .await
                .expect("minted")
                .token
                .last_four()
        }
    };
    let intent = |started_at: String| {
        let mut intent = CreateIntent::new(IntentKind::BearerToken, OURS);
        intent.org_id = Some(org.clone());
        intent.service_account_id = Some(account.clone());
        intent.started_at = started_at;
        intent
    };
    let reconcile = || async {
        let before = env.progress.events().len();
        ensure_unity_credentials(
            &env.ctx,
            &unity,
            &UnityOptions::default(),
            &env.progress,
            &env.cancel,
        )
        .await
        .expect("step 1 runs");
        revoked_lines(&env.progress.events()[before..])
    };
    // Started before every token below (RFC 3339, like every journal time).
    let just_before = scim_core::wizard::context::journal::now();
    // The same instant a year later: after every token.
    let year: u32 = just_before[..4].parse().expect("year");
    let next_year = format!("{}{}", year + 1, &just_before[4..]);

    // A family of tokens: ours (both descriptions), another tool's, one with no description,
    // one an announced Entra write may have saved, and the keychain's.
    let orphans = [mint(OURS).await, mint(OURS).await, mint(OURS_ROTATED).await];
    let foreign = [mint("Okta provisioning").await, mint("").await];
    let being_written = mint(OURS).await;

    // An intent whose window lies after every token: none is its.
    env.ctx
        .journal
        .begin_intent(&intent(next_year))
        .expect("intent");
    assert!(
        reconcile().await.is_empty(),
        "nothing outside the window is revoked"
    );
    assert_eq!(
        env.ctx
            .journal
            .snapshot()
            .open_intents(IntentKind::BearerToken)
            .count(),
        0,
        "an intent with nothing to settle is cleared"
    );

    // An intent started just before them, while an Entra write of one is announced.
    let mut write = CreateIntent::new(IntentKind::EntraSecret, "SecretToken");
    write.token_last_four = Some(being_written.clone());
    env.ctx.journal.begin_intent(&write).expect("write intent");
    env.ctx
        .journal
        .begin_intent(&intent(just_before))
        .expect("intent");
    let lines = reconcile().await;
    let expected: BTreeSet<String> = orphans
        .iter()
        .map(|last_four| format!("Revoked bearer token …{last_four}: made by an interrupted run, held by neither the keychain nor Entra"))
        .collect();
    assert_eq!(lines, expected);
    let live = live_tokens(&env.state().await, &account);
    let mut still_live: BTreeSet<String> = foreign.iter().cloned().collect();
    still_live.insert(being_written.clone());
    still_live.insert(kept_in_keychain.clone());
    assert_eq!(
        live, still_live,
        "the keychain's, Entra's maybe, and others' tokens stay"
    );
    assert_eq!(
        env.ctx
            .journal
            .snapshot()
            .open_intents(IntentKind::BearerToken)
            .count(),
        1,
        "open while an Entra write is unsettled"
    );

    // The write settles elsewhere (Entra holds the keychain's token): now that one goes too.
    env.ctx
        .journal
        .finish_intents(IntentKind::EntraSecret, |_| true, |_| {})
        .expect("settled");
    let lines = reconcile().await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines.iter().all(|l| l.contains(&being_written)),
        "{lines:?}"
    );
    let live = live_tokens(&env.state().await, &account);
    still_live.remove(&being_written);
    assert_eq!(live, still_live);
    assert_eq!(
        env.ctx
            .journal
            .snapshot()
            .open_intents(IntentKind::BearerToken)
            .count(),
        0
    );
    assert_eq!(
        env.ctx.journal.snapshot().unity.token_last_four.as_deref(),
        Some(kept_in_keychain.as_str()),
        "the keychain's token is still the one in use"
    );

    // An intent for an account that no longer exists (deleted in the Dashboard, another
    // organization): its tokens went with it, so it settles and step 1 goes on.
    for (org, account) in [
        (org.as_str(), "no-such-account"),
        ("no-such-org", account.as_str()),
    ] {
        let mut gone = CreateIntent::new(IntentKind::BearerToken, OURS);
        gone.org_id = Some(org.to_string());
        gone.service_account_id = Some(account.to_string());
        env.ctx.journal.begin_intent(&gone).expect("intent");
        assert!(reconcile().await.is_empty());
        assert_eq!(
            env.ctx
                .journal
                .snapshot()
                .open_intents(IntentKind::BearerToken)
                .count(),
            0,
            "{org}/{account}"
        );
    }
    assert_eq!(live_tokens(&env.state().await, &account), still_live);
}
