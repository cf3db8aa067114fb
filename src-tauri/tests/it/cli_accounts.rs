//! The account and the tenant from the command line (`--tenant`, `account`, `sign-out`), through the
//! built binary with a real Secret Service: `--tenant DOMAIN` signs in there and the output
//! names the account and the tenant (name and domain, not only its ID); `account` says who
//! is signed in where; `sign-out` takes one thing at a time, says what it removes and asks
//! first (`--yes` where there is no terminal). And with no Secret Service at all, `setup`
//! stops with the keychain named as the cause and writes the token to no file.

use std::process::Output;

use crate::cli_support::Desktop;
use crate::shared::files::files_under;
use serde_json::Value;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn fact(profile: &Value, name: &str) -> String {
    profile["sandbox"][name]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_account_and_three_sign_outs_from_the_command_line() {
    let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig {
        users: 40,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let profile = sandbox.profile();
    let admin = fact(&profile, "adminUpn");
    let desktop = Desktop::new(&profile);

    // An unknown tenant: Entra's AADSTS90002, a failed step (exit 1), nothing saved.
    let unknown = desktop
        .run(&["--tenant", "nosuch.example", "setup", "--json"])
        .await;
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown));
    assert!(text(&unknown).contains("AADSTS90002"), "{}", text(&unknown));

    // A verified domain: signed in there; the step names the account, the tenant's name and
    // its domain.
    let setup = desktop
        .run(&["--tenant", "contoso.onmicrosoft.com", "setup", "--json"])
        .await;
    assert_eq!(setup.status.code(), Some(0), "{}", text(&setup));
    let report: Value = serde_json::from_slice(&setup.stdout).expect("json");
    let step = report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["id"] == "signInMicrosoft"))
        .expect("the Microsoft step");
    assert_eq!(
        step["summary"],
        format!("Signed in to Microsoft as {admin} in Contoso (contoso.com)")
    );
    assert_eq!(step["evidence"]["tenantName"], "Contoso");
    assert_eq!(step["evidence"]["tenantChoice"], "contoso.onmicrosoft.com");
    assert_eq!(step["evidence"]["tenantId"], fact(&profile, "tenantId"));

    // `account` resumes quietly at the same tenant, without --tenant.
    let account = desktop.run(&["account"]).await;
    assert_eq!(account.status.code(), Some(0), "{}", text(&account));
    let shown = String::from_utf8_lossy(&account.stdout).to_string();
    assert!(
        shown.contains(&format!(
            "Microsoft:  {admin} in Contoso (contoso.com), tenant ID {}",
            fact(&profile, "tenantId")
        )),
        "{shown}"
    );
    assert!(shown.contains(&format!("Unity:      {admin}")), "{shown}");
    assert!(shown.contains("SCIM token: …"), "{shown}");

    // Sign out of Microsoft: no terminal to ask in, so --yes is needed (exit 2, nothing gone).
    let unconfirmed = desktop.run(&["sign-out", "--microsoft"]).await;
    assert_eq!(unconfirmed.status.code(), Some(2), "{}", text(&unconfirmed));
    assert!(
        text(&unconfirmed).contains(&format!(
            "Signing out removes Microsoft sign-in ({admin}) from the OS keychain. Fix: Add --yes"
        )),
        "{}",
        text(&unconfirmed)
    );
    let microsoft = desktop.run(&["sign-out", "--microsoft", "--yes"]).await;
    assert_eq!(microsoft.status.code(), Some(0), "{}", text(&microsoft));
    assert!(
        text(&microsoft).contains(&format!(
            "Removed from the OS keychain: Microsoft sign-in ({admin})."
        )),
        "{}",
        text(&microsoft)
    );
    let after = String::from_utf8_lossy(&desktop.run(&["account"]).await.stdout).to_string();
    assert!(
        after.contains("Microsoft:  not signed in (a sign-in goes to contoso.onmicrosoft.com)"),
        "{after}"
    );
    assert!(
        after.contains(&format!("Unity:      {admin}")),
        "Unity stays: {after}"
    );

    // Sign out of Unity: the SCIM token stays.
    let unity = desktop.run(&["sign-out", "--unity", "--yes"]).await;
    assert!(
        text(&unity).contains("Removed from the OS keychain: Unity sign-in."),
        "{}",
        text(&unity)
    );
    let after = String::from_utf8_lossy(&desktop.run(&["account"]).await.stdout).to_string();
    assert!(after.contains("Unity:      not signed in"), "{after}");
    assert!(after.contains("SCIM token: …"), "the token stays: {after}");

    // Forget the SCIM token.
    let token = desktop
        .run(&["sign-out", "--scim-token", "--yes", "--json"])
        .await;
    let forgotten: Value = serde_json::from_slice(&token.stdout).expect("json");
    assert!(
        forgotten["removed"][0]
            .as_str()
            .is_some_and(|r| r.starts_with("SCIM bearer token …")),
        "{forgotten}"
    );
    let after = String::from_utf8_lossy(&desktop.run(&["account"]).await.stdout).to_string();
    assert!(after.contains("SCIM token: none kept"), "{after}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_service_stops_setup_and_writes_the_token_to_no_file() {
    let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig {
        users: 40,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let profile = sandbox.profile();
    let token = fact(&profile, "scimBearerToken");
    let desktop = Desktop::new(&profile);
    let run = desktop
        .run_without_keychain(
            &[("SCIM_ACCOUNTS_TEST_TOKEN", &token)],
            &[
                "setup",
                "--scim-url",
                &fact(&profile, "scimBaseUrl"),
                "--token-env",
                "SCIM_ACCOUNTS_TEST_TOKEN",
                "--json",
            ],
        )
        .await;
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    let report: Value = serde_json::from_slice(&run.stdout).expect("json");
    let failed = report["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["outcome"] == "failed"))
        .expect("a failed step");
    assert_eq!(failed["problem"]["kind"], "secretStore", "{failed}");
    let cause = failed["problem"]["cause"].as_str().unwrap_or_default();
    assert!(cause.contains("OS keychain"), "{cause}");
    assert!(
        failed["problem"]["fix"]
            .as_str()
            .is_some_and(|fix| fix.contains("never falls back to storing tokens in a file")),
        "{failed}"
    );
    assert!(!text(&run).contains(&token), "the token in no output");
    for file in files_under(desktop.temp.path())
        .into_iter()
        .filter(|file| *file != desktop.profile_path)
    {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "the token is in {}",
            file.display()
        );
    }
    sandbox.shutdown().await;
}
