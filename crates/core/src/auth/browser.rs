//! How the authorize URL reaches a browser. The engine does not know Tauri: the app injects
//! its opener through `SystemBrowser`, the CLI uses `xdg-open` or prints the URL, and tests
//! and scripts use `FollowRedirectsLauncher`, which plays the browser against a sandbox that
//! consents by itself.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::problem::Problem;

#[async_trait]
pub trait BrowserLauncher: Send + Sync {
    /// Opens `url`; returns once it is handed over (the answer arrives on the loopback).
    async fn open(&self, url: &str, cancel: &CancellationToken) -> Result<(), Problem>;
}

type Opener = Box<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// The system browser through an opener the host provides (the app: its shell opener; the
/// CLI: [`SystemBrowser::xdg_open_or_print`]).
pub struct SystemBrowser {
    opener: Opener,
}

impl SystemBrowser {
    pub fn new(opener: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static) -> Self {
        Self {
            opener: Box::new(opener),
        }
    }

    /// For a terminal: print the URL to stderr (always, so it works over SSH) and try
    /// `xdg-open` when a display is present. Never blocks on the browser process.
    pub fn xdg_open_or_print() -> Self {
        Self::new(|url| {
            eprintln!("Open this address in a browser to sign in:\n  {url}");
            let has_display = std::env::var_os("DISPLAY").is_some()
                || std::env::var_os("WAYLAND_DISPLAY").is_some();
            if has_display {
                let _ = std::process::Command::new("xdg-open")
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn();
            }
            Ok(())
        })
    }
}

#[async_trait]
impl BrowserLauncher for SystemBrowser {
    async fn open(&self, url: &str, _cancel: &CancellationToken) -> Result<(), Problem> {
        (self.opener)(url).map_err(|why| {
            Problem::unreachable(
                "Opening the browser",
                format!("The system browser could not be opened: {why}."),
                "Copy the sign-in address into a browser yourself, or use the device-code sign-in.",
            )
        })
    }
}

/// Plays the browser for a provider that redirects at once (a sandbox with auto-consent):
/// GETs the authorize URL without following redirects, then delivers the `Location` to the
/// loopback listener. A page instead of a redirect means a person would have to act.
pub struct FollowRedirectsLauncher {
    client: reqwest::Client,
}

impl FollowRedirectsLauncher {
    pub fn new() -> Result<Self, Problem> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|err| {
                Problem::server(
                    "Preparing the scripted sign-in",
                    format!("{err}"),
                    "Try again.",
                )
            })?;
        Ok(Self { client })
    }
}

#[async_trait]
impl BrowserLauncher for FollowRedirectsLauncher {
    async fn open(&self, url: &str, cancel: &CancellationToken) -> Result<(), Problem> {
        let action = "Following the sign-in redirects";
        let mut next = url.to_string();
        // A few hops at most: authorize → (maybe a proxy) → the loopback redirect URI.
        for _ in 0..5 {
            let response = tokio::select! {
                _ = cancel.cancelled() => return Err(Problem::cancelled_while(action)),
                response = self.client.get(&next).send() => response,
            }
            .map_err(|err| {
                Problem::unreachable(
                    action,
                    format!("The request failed: {err}."),
                    "Check the profile's sign-in URLs.",
                )
            })?;
            if !response.status().is_redirection() {
                if next == url {
                    let status = response.status().as_u16();
                    let body = response.text().await.unwrap_or_default();
                    let text = strip_tags(&body);
                    // Microsoft shows sign-in errors as a page, not a redirect: explain its AADSTS code.
                    if let Some(start) = text.find("AADSTS") {
                        return Err(super::errors::explain(
                            super::Provider::Microsoft,
                            "invalid_request",
                            Some(&text[start..]),
                        ));
                    }
                    return Err(Problem::sign_in_failed(
                        action,
                        format!(
                            "The sign-in page did not redirect (HTTP {status}); it says: \u{201c}{}\u{201d}",
                            text.chars().take(300).collect::<String>()
                        ),
                        "Scripted sign-in only works against a provider that consents by itself (a sandbox). Sign in interactively instead.",
                    ));
                }
                return Ok(());
            }
            let Some(location) = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
            else {
                return Err(Problem::server(
                    action,
                    "A redirect came without a Location.",
                    "Try again.",
                ));
            };
            next = url::Url::parse(&next)
                .and_then(|base| base.join(location))
                .map(|joined| joined.to_string())
                .map_err(|_| {
                    Problem::server(
                        action,
                        "A redirect pointed at an unreadable address.",
                        "Try again.",
                    )
                })?;
        }
        Ok(())
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_read_as_text() {
        assert_eq!(
            strip_tags("<h1>Sorry</h1><p>AADSTS700016: not found</p>"),
            "Sorry AADSTS700016: not found"
        );
    }

    #[tokio::test]
    async fn the_system_browser_reports_an_opener_failure() {
        let browser = SystemBrowser::new(|_| Err("no opener".into()));
        let err = browser
            .open("http://x", &CancellationToken::new())
            .await
            .expect_err("fails");
        assert!(err.info().cause.contains("no opener"));
    }
}
