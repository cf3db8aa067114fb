//! A Tenant URL that answers with a redirect (RFC 9110 §15.4): `setup --scim-url` names the
//! redirect and where it points, with the fix (the final SCIM base), and never calls it "try
//! again later". A family: permanent and temporary, absolute and relative targets, and none.

use crate::cli_support::Desktop;
use crate::shared::sandbox_state::sandbox_with_fast_cycles;
use crate::shared::stub_servers::serve;

const TOKEN: &str = "redirect-test-token-5d6e7f8a9b0c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_names_every_kind_of_redirect_from_the_tenant_url() {
    let sandbox = sandbox_with_fast_cycles().await;
    let desktop = Desktop::new(&sandbox.profile());
    let cases: [(u16, Option<&'static str>, &str); 4] = [
        (
            301,
            Some("https://moved.example/scim/v2"),
            "https://moved.example/scim/v2",
        ),
        (302, Some("/sign-in?next=scim"), "/sign-in?next=scim"),
        (
            307,
            Some("https://other.example/scim/v2/Users"),
            "https://other.example/scim/v2/Users",
        ),
        (308, None, "names no address"),
    ];
    for (status, location, named) in cases {
        let router = axum::Router::new().fallback(move || async move {
            let mut response = axum::http::Response::builder().status(status);
            if let Some(location) = location {
                response = response.header("location", location);
            }
            response.body(axum::body::Body::empty()).expect("response")
        });
        let (address, server) = serve(router).await;
        let url = format!("http://{address}/scim/v2");
        let output = desktop
            .run_with_env(
                &[("REDIRECT_SCIM_TOKEN", TOKEN)],
                &[
                    "setup",
                    "--scim-url",
                    &url,
                    "--token-env",
                    "REDIRECT_SCIM_TOKEN",
                    "--json",
                ],
            )
            .await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{status}: {stdout}\n{stderr}"
        );
        let said = format!("answered HTTP {status}");
        assert!(stdout.contains(&said), "{status}: {stdout}");
        assert!(stdout.contains(named), "{status} names {named}: {stdout}");
        assert!(stdout.contains("Tenant URL"), "{status}: the fix: {stdout}");
        assert!(!stdout.contains("Try again later"), "{status}: {stdout}");
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
        server.abort();
    }
    sandbox.shutdown().await;
}
