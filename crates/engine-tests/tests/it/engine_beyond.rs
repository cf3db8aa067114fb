//! Beyond the four steps, against the sandbox: the preview of what Start will do (at 10,000 assigned
//! users), the "Arrived in Unity" read-back, the deletion safeguards (written, read back,
//! a threshold that holds deletions back and their release) and token rotation.

use crate::engine_support;
use crate::engine_support::{
    api_setup, assign_group, group_id, ids, member_upns, pause_then_assign_group, setup,
    unity_user, CYCLES_WHEN_ASKED, USERS_FOR_TEN_THOUSAND_ARTISTS,
};
use crate::shared::stub_servers;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::entra::sync_secrets::DeletionProtection;
use scim_core::progress::CollectProgress;
use scim_core::unity::ScimUsersReader;
use scim_core::wizard::run_setup;
use scim_core::wizard::{
    allow_held_back_deletions, export_preview, list_held_back_deletions, preview_provisioning,
    rotate_scim_token, token_facts, DeletionProtectionChoice, PreviewAction, PreviewExportFormat,
    PreviewStage, RotationRoad, SetupOptions, StepId, UnityRoad,
};
use scim_core::Secret;
use scim_sandbox::SandboxConfig;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_classifies_ten_thousand_assigned_users_and_the_provisioned_one_arrived() {
    // Group "Unity Artists" holds every eighth regular user: 10,000 of 80,000.
    let env = engine_support::start_with(SandboxConfig {
        users: USERS_FOR_TEN_THOUSAND_ARTISTS,
        ..engine_support::config()
    })
    .await;
    let graph = env.graph().await;
    let artists = group_id(&graph, &env, "Unity Artists").await;
    let members = member_upns(&graph, &env, &artists).await;
    // k = 1, 9, 17, … : [2] is in fabrikam.com, Unity has not validated it.
    let (in_sync, outdated, clashing) = (&members[5], &members[3], &members[4]);
    let report = setup(&env, api_setup(vec![in_sync.clone()], Default::default())).await;

    // "Arrived in Unity": the fifth step, passed, nothing differing.
    let provisioned = &report.provisioned[0];
    let verification = provisioned
        .verification
        .as_ref()
        .expect("read back from Unity");
    assert!(
        verification.found && verification.differences.is_empty(),
        "{verification:#?}"
    );
    let last = provisioned.steps.last().expect("steps");
    assert_eq!(
        (last.name.as_str(), last.status.as_str()),
        ("ArrivedInUnity", "Success")
    );

    // Stop the cycles so the preview sees a still picture.
    pause_then_assign_group(&env, &graph, &artists).await;
    unity_user(&env, json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": outdated, "displayName": "Old Name", "active": true})).await;
    unity_user(&env, json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "clash.owner@contoso.com", "active": true,
        "emails": [{"type": "work", "value": clashing, "primary": true}]})).await;
    let engineering = group_id(&graph, &env, "Engineering").await;
    let leaver = member_upns(&graph, &env, &engineering).await[1].clone();
    unity_user(&env, json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": leaver, "active": true})).await;
    let before = env.state().await;

    let progress = CollectProgress::default();
    let preview = preview_provisioning(&env.ctx, &graph, &progress, &env.cancel)
        .await
        .expect("preview runs");
    let s = &preview.summary;
    println!("preview of {} users: {s:?}", preview.in_scope);
    assert!(preview.in_scope >= 10_000, "{}", preview.in_scope);
    assert_eq!(
        (s.create + s.update + s.in_sync + s.conflict + s.skip + s.remove) as usize,
        preview.users.len()
    );
    // A fifth of the group is in fabrikam.com and one in 25 is disabled: 2,400 skips.
    assert!(s.create > 7_000 && s.skip >= 2_400, "{s:?}");
    let verdict = |upn: &str| {
        preview
            .users
            .iter()
            .find(|u| u.user_principal_name.eq_ignore_ascii_case(upn))
            .unwrap_or_else(|| panic!("{upn} in the preview"))
            .clone()
    };
    assert_eq!(verdict(in_sync).action, PreviewAction::InSync);
    let update = verdict(outdated);
    assert_eq!(update.action, PreviewAction::Update);
    assert!(
        update
            .changes
            .iter()
            .any(|c| c.attribute == "displayName" && c.from.as_deref() == Some("Old Name")),
        "{update:#?}"
    );
    assert_eq!(verdict(clashing).action, PreviewAction::Conflict);
    let foreign = verdict(&members[2]);
    assert_eq!(foreign.action, PreviewAction::Skip);
    assert!(foreign.reason.contains("fabrikam.com"), "{foreign:#?}");
    assert_eq!(verdict(&leaver).action, PreviewAction::Remove);
    assert!(preview
        .users
        .iter()
        .any(|u| u.action == PreviewAction::Skip && u.reason.contains("Disabled")));
    let events = progress.events();
    assert!(events
        .iter()
        .any(|e| e.stage == PreviewStage::Classifying && e.total == Some(preview.in_scope as u64)));
    // Read-only: Unity got no write.
    let after = env.state().await;
    assert_eq!(after["scimUsers"], before["scimUsers"]);

    let csv = env.dir.path().join("preview.csv");
    export_preview(&preview, PreviewExportFormat::Csv, &csv).expect("csv");
    let text = std::fs::read_to_string(&csv).expect("csv text");
    assert_eq!(text.lines().count(), preview.users.len() + 1);
    let json_path = env.dir.path().join("preview.json");
    export_preview(&preview, PreviewExportFormat::Json, &json_path).expect("json");
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json")).expect("json");
    for key in ["create", "update", "inSync", "conflict", "skip", "remove"] {
        assert!(document["summary"][key].is_number(), "{key}");
    }

    // Cancelled before it starts: an error, not a partial answer.
    let cancelled = tokio_util::sync::CancellationToken::new();
    cancelled.cancel();
    let stopped = preview_provisioning(&env.ctx, &graph, &progress, &cancelled).await;
    assert_eq!(stopped.expect_err("cancelled").kind_name(), "cancelled");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_entra_reports_provisioned_but_unity_lacks_fails_the_step() {
    let (url, server) = stub_servers::black_hole_scim().await;
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a user");
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Guided {
            scim_url: url,
            token: Secret::new("black-hole-token"),
        },
        ..api_setup(vec![upn], Default::default())
    };
    let report = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert!(!report.ok);
    let outcome = &report.provisioned[0];
    let verification = outcome.verification.as_ref().expect("checked");
    assert!(
        !verification.found && verification.not_checked.is_none(),
        "{verification:#?}"
    );
    assert!(!outcome.is_good());
    assert_eq!(
        outcome.steps.last().map(|s| s.status.as_str()),
        Some("Failure")
    );
    let failed = report
        .steps
        .iter()
        .find(|s| s.id == StepId::ProvisionOnDemand)
        .expect("step");
    assert_eq!(failed.outcome, scim_core::wizard::StepOutcome::Failed);
    env.shutdown().await;
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threshold_holds_deletions_back_until_the_admin_allows_them() {
    let env = engine_support::start_with(SandboxConfig {
        users: 200,
        sync_interval: CYCLES_WHEN_ASKED,
        ..engine_support::config()
    })
    .await;
    let choice = DeletionProtectionChoice {
        delete_threshold: Some(3),
        notify: Some("ops@contoso.com".into()),
        skip_out_of_scope_deletions: None,
    };
    let report = setup(&env, api_setup(Vec::new(), choice)).await;
    let saved = report
        .steps
        .iter()
        .find(|s| s.id == StepId::SaveCredentials)
        .expect("saved");
    assert_eq!(
        saved.evidence.get("deleteThreshold").map(String::as_str),
        Some("3")
    );
    let graph = env.graph().await;
    let (sp_id, _) = ids(&env);
    let read_back = graph
        .get_sync_secrets(&sp_id, &env.cancel)
        .await
        .expect("read back");
    assert_eq!(
        read_back.protection,
        DeletionProtection {
            delete_threshold: 3,
            notify: "ops@contoso.com".into(),
            skip_out_of_scope_deletions: false
        }
    );
    assert!(!read_back.sync_all);

    // 25 developers arrive in Unity, then the group is unassigned at once.
    let developers = group_id(&graph, &env, "Unity Developers").await;
    let assignment = assign_group(&env, &graph, &developers).await;
    let upns = member_upns(&graph, &env, &developers).await;
    let reader = ScimUsersReader::new(
        env.ctx.http.clone(),
        &env.fact("scimBaseUrl"),
        Secret::new(env.fact("scimBearerToken")),
    );
    let last = upns.last().expect("members").clone();
    assert_eq!(env.run_cycles_now().await, 1, "the job's cycle ran");
    assert!(
        !reader
            .find_by("userName", &last, &env.cancel)
            .await
            .expect("query")
            .is_empty(),
        "the developers arrive in Unity"
    );
    graph
        .remove_assignment(&sp_id, &assignment, &env.cancel)
        .await
        .expect("unassigned");
    env.run_cycles_now().await;
    let held = list_held_back_deletions(&env.ctx, &graph, &env.cancel)
        .await
        .expect("held");
    assert!(held.held, "the cycle holds the deletions back");
    // The first developer stays in scope through "Unity Pilot"; everyone else left.
    assert_eq!(held.users.len() + 1, upns.len(), "{:#?}", held.users);
    assert!(held
        .users
        .iter()
        .all(|u| upns.contains(&u.user_principal_name)));
    assert!(held
        .users
        .iter()
        .any(|u| u.user_principal_name.eq_ignore_ascii_case(&last)));
    let active = |users: Vec<Value>| {
        users
            .first()
            .and_then(|u| u["active"].as_bool())
            .unwrap_or(false)
    };
    assert!(
        active(
            reader
                .find_by("userName", &last, &env.cancel)
                .await
                .expect("query")
        ),
        "still active while held"
    );

    let status = allow_held_back_deletions(&env.ctx, &graph, &env.cancel)
        .await
        .expect("released");
    assert!(status.quarantine.is_none(), "{status:#?}");
    env.run_cycles_now().await;
    assert!(
        !active(
            reader
                .find_by("userName", &last, &env.cancel)
                .await
                .expect("query"),
        ),
        "the released deletions reach Unity"
    );
    let after = list_held_back_deletions(&env.ctx, &graph, &env.cancel)
        .await
        .expect("none held");
    assert!(!after.held && after.users.is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_rotate_without_downtime_and_a_failed_rotation_keeps_the_old_one() {
    let env = engine_support::start().await;
    setup(&env, api_setup(Vec::new(), Default::default())).await;
    let graph = env.graph().await;
    let unity = env.unity().await;
    let (sp_id, job_id) = ids(&env);
    let url = env.ctx.journal.snapshot().unity.scim_url.expect("url");
    let old = scim_core::wizard::context::journal_readers::stored_scim_token(&env.ctx)
        .expect("old token");
    let works = |token: Secret| {
        let reader = ScimUsersReader::new(env.ctx.http.clone(), &url, token);
        async move {
            reader
                .page(1, 1, &tokio_util::sync::CancellationToken::new())
                .await
                .is_ok()
        }
    };
    let facts = token_facts(&env.ctx);
    assert_eq!(facts.last_four.as_deref(), Some(old.last_four().as_str()));
    assert_eq!(facts.age_days, Some(0));
    assert!(facts.last_checked_at.is_some());

    // Entra's Test Connection fails: the new token is withdrawn, the old one stays.
    let live_tokens = |state: Value| -> u64 {
        state["serviceAccounts"]
            .as_array()
            .map(|a| a.iter().map(|sa| sa["tokens"].as_u64().unwrap_or(0)).sum())
            .unwrap_or(0)
    };
    let tokens_before = live_tokens(env.state().await);
    let fault = env
        .fault("status:500@/v1.0/servicePrincipals/*/synchronization/jobs/*/validateCredentials#1")
        .await;
    let failed = rotate_scim_token(&env.ctx, &graph, RotationRoad::Api(&unity), &env.cancel).await;
    assert!(failed.is_err());
    let _ = fault;
    assert_eq!(
        scim_core::wizard::context::journal_readers::stored_scim_token(&env.ctx).expect("kept"),
        old
    );
    assert!(works(old.clone()).await, "the old token still works");
    assert_eq!(
        live_tokens(env.state().await),
        tokens_before,
        "nothing left behind, nothing of the old revoked"
    );
    graph
        .validate_saved_credentials(&sp_id, &job_id, &env.cancel)
        .await
        .expect("Entra still works");

    // The API road: new token in use everywhere, then the old one revoked.
    let rotated = rotate_scim_token(&env.ctx, &graph, RotationRoad::Api(&unity), &env.cancel)
        .await
        .expect("rotated");
    assert!(rotated.old_token_revoked, "{rotated:#?}");
    let new = scim_core::wizard::context::journal_readers::stored_scim_token(&env.ctx)
        .expect("new token");
    assert_ne!(new, old);
    assert_eq!(rotated.new_token_last_four, new.last_four());
    assert!(!works(old).await, "the old token is revoked");
    assert!(works(new.clone()).await);
    graph
        .validate_saved_credentials(&sp_id, &job_id, &env.cancel)
        .await
        .expect("Entra uses the new one");

    // The guided road: a token made in the Dashboard, pasted; the old one is the admin's to revoke.
    let journal = env.ctx.journal.snapshot();
    let minted = unity
        .create_bearer_token(
            journal.unity.org_id.as_deref().expect("org"),
            journal.unity.service_account_id.as_deref().expect("sa"),
            "pasted",
            &env.cancel,
        )
        .await
        .expect("minted");
    let pasted = rotate_scim_token(
        &env.ctx,
        &graph,
        RotationRoad::Pasted(minted.token.expose()),
        &env.cancel,
    )
    .await
    .expect("rotated");
    assert!(!pasted.old_token_revoked);
    assert!(pasted
        .follow_up
        .as_deref()
        .is_some_and(|f| f.contains(&new.last_four())));
    assert!(works(new).await, "guided road revokes nothing");
    env.shutdown().await;
}
