//! Where the admin left off, and the live prerequisite checks of the Start view.

use scim_core::wizard::Journal;
use scim_core::Problem;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::app::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JournalView {
    pub journal: Journal,
    /// The window step to resume at (`unity`, `connector`, `entra`, `provision`), or none
    /// when nothing was done yet.
    #[ts(optional = nullable)]
    pub resume_at: Option<String>,
    pub token_stored_in: String,
}

/// The first window step whose engine steps are not all done.
pub fn resume_point(journal: &Journal) -> Option<&'static str> {
    let done = |id: &str| journal.steps_done.contains_key(id);
    if journal.steps_done.is_empty() {
        return None;
    }
    if !done("unityCredentials") {
        Some("unity")
    } else if !done("connectorUrl") {
        Some("connector")
    } else if !done("startProvisioning") {
        Some("entra")
    } else {
        Some("provision")
    }
}

#[tauri::command]
pub fn journal_state(state: State<'_, AppState>) -> JournalView {
    let journal = state.ctx.journal.snapshot();
    JournalView {
        resume_at: resume_point(&journal).map(str::to_string),
        token_stored_in: state.ctx.secrets.describe().to_string(),
        journal,
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrerequisiteCheck {
    pub id: String,
    pub title: String,
    /// `ok`, `missing` or `unknown` (not signed in yet).
    pub state: String,
    pub detail: String,
}

fn check(id: &str, title: &str, state: &str, detail: impl Into<String>) -> PrerequisiteCheck {
    PrerequisiteCheck {
        id: id.into(),
        title: title.into(),
        state: state.into(),
        detail: detail.into(),
    }
}

/// Unity SSO and validated domains (when signed in to Unity), and a Unity app in Entra
/// (when signed in to Microsoft). Without a sign-in a check says how to make it.
#[tauri::command]
pub async fn check_prerequisites(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Vec<PrerequisiteCheck>, Problem> {
    let op = state.operations.begin(&operation_id);
    let cancel = &op.token;
    let mut checks = Vec::new();
    let org_id = state.ctx.journal.snapshot().unity.org_id;
    match (state.unity_admin(cancel).await?, org_id) {
        (Some(unity), Some(org_id)) => {
            let sso = unity.sso_settings(&org_id, cancel).await?;
            checks.push(if sso.sso_enabled {
                check("unitySso", "Unity: single sign-on is on", "ok", "SSO is enabled for the organization.")
            } else {
                check("unitySso", "Unity: single sign-on is on", "missing", "Turn on SSO in the Unity Dashboard (Administration › Single sign-on); Unity requires it for SCIM.")
            });
            let validated: Vec<String> = sso
                .domains
                .iter()
                .filter(|d| d.status.eq_ignore_ascii_case("VALIDATED"))
                .map(|d| d.domain.clone())
                .collect();
            checks.push(if validated.is_empty() {
                check("unityDomains", "Unity: domains validated", "missing", "No validated domain: users of unvalidated domains are refused. Validate your domains in the Unity Dashboard.")
            } else {
                check("unityDomains", "Unity: domains validated", "ok", format!("Validated: {}.", validated.join(", ")))
            });
        }
        _ => {
            checks.push(check(
                "unitySso",
                "Unity: single sign-on is on",
                "unknown",
                "Checked once you sign in to Unity in step 1.",
            ));
            checks.push(check(
                "unityDomains",
                "Unity: domains validated",
                "unknown",
                "Checked once you sign in to Unity in step 1.",
            ));
        }
    }
    match state.microsoft_session(cancel).await? {
        Some(_) => {
            let graph = state.graph(cancel).await?;
            let apps = graph.search_service_principals("Unity", 10, cancel).await?;
            checks.push(if apps.is_empty() {
                check(
                    "entraApp",
                    "Entra: an enterprise app for Unity",
                    "missing",
                    "No enterprise app named like \u{201c}Unity\u{201d}; step 3 can create one.",
                )
            } else {
                let names: Vec<String> = apps.iter().map(|a| a.display_name.clone()).collect();
                check(
                    "entraApp",
                    "Entra: an enterprise app for Unity",
                    "ok",
                    format!("Found: {}.", names.join(", ")),
                )
            });
        }
        None => checks.push(check(
            "entraApp",
            "Entra: an enterprise app for Unity",
            "unknown",
            "Checked once you sign in to Microsoft in step 3.",
        )),
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_done(ids: &[&str]) -> Journal {
        let mut journal = Journal::default();
        for id in ids {
            journal
                .steps_done
                .insert((*id).into(), "2026-01-01T00:00:00Z".into());
        }
        journal
    }

    #[test]
    fn resumes_at_the_first_unfinished_window_step() {
        assert_eq!(resume_point(&with_done(&[])), None);
        assert_eq!(resume_point(&with_done(&["signInUnity"])), Some("unity"));
        assert_eq!(
            resume_point(&with_done(&["unityCredentials"])),
            Some("connector")
        );
        assert_eq!(
            resume_point(&with_done(&[
                "unityCredentials",
                "connectorUrl",
                "signInMicrosoft",
                "enterpriseApp"
            ])),
            Some("entra")
        );
        assert_eq!(
            resume_point(&with_done(&[
                "unityCredentials",
                "connectorUrl",
                "startProvisioning"
            ])),
            Some("provision")
        );
    }
}
