//! Serves a sandbox until Ctrl-C, printing its profile: handy for pointing third-party SCIM
//! compliance tools at it without the app. `cargo run -p scim-setup-sandbox --example serve [users]`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig {
        users,
        ..Default::default()
    })
    .await?;
    println!("{}", sandbox.profile());
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
