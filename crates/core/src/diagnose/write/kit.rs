//! What every write check shares: the state of one write run (the probe, the runner, what was
//! created and must be deleted, the test users' names), Entra's create body, the small
//! readings of an answer (its id, success) and which PATCH dialects were found to work.

use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::{json, Value};

use super::cleanup::Created;
use crate::diagnose::calls::exchange::{Auth, Exchange, PATCH_OP};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::report::Check;
use crate::diagnose::runner::Runner;

/// Shared state of one write run.
pub(crate) struct WriteRun<'a> {
    pub probe: &'a Probe,
    pub runner: &'a Runner<'a>,
    pub created: Arc<Mutex<Created>>,
    pub user_name: String,
    /// The second test user's userName (created without an email).
    pub second_user_name: String,
    /// Entra's Tenant URL has `?aadOptscim062020`: it speaks the compliant dialect.
    pub compliance_flag: bool,
    pub groups_offered: bool,
}

impl WriteRun<'_> {
    pub(crate) fn track_user(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.users.push(id.to_string());
        }
    }

    pub(crate) fn track_group(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.groups.push(id.to_string());
        }
    }

    pub(crate) fn forget(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.users.retain(|u| u != id);
            created.groups.retain(|g| g != id);
        }
    }

    pub(crate) async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Exchange {
        self.probe
            .send(method, self.probe.url(path, &[]), Auth::Token, body)
            .await
    }

    /// Skips each check of `plan` with one reason.
    pub(crate) fn skip_rest(&self, plan: &[Check], reason: &str) {
        for check in plan {
            self.runner.skip(*check, reason);
        }
    }
}

/// Entra's create body
/// (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>),
/// with our test user's names.
pub(crate) fn entra_create_body(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": external_id,
        "userName": user_name,
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Scim Check", "familyName": "Check", "givenName": "Scim"},
        "roles": []
    })
}

/// A PatchOp body with these operations, as Entra sends it.
pub(crate) fn patch_body(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

pub(crate) fn id_of(exchange: &Exchange) -> Option<String> {
    exchange
        .json
        .as_ref()?
        .get("id")?
        .as_str()
        .map(str::to_string)
}

pub(crate) fn is_success(exchange: &Exchange) -> bool {
    exchange.status.is_some_and(|s| (200..300).contains(&s))
}

/// Which dialects changed `active` for real: what the no-op check compares against.
pub(crate) struct DialectsWork {
    pub legacy: bool,
    pub compliant: bool,
}

impl DialectsWork {
    /// The op as Entra spells it for this Tenant URL ("Add" without the compliance flag,
    /// "add" with it), except that a dialect already found refused is not used again: the
    /// dialect checks have named that, and this check has something else to find.
    pub(crate) fn op(&self, compliance_flag: bool, lower: &'static str) -> String {
        let legacy = !compliance_flag && (self.legacy || !self.compliant);
        if legacy {
            let mut chars = lower.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        } else {
            lower.to_string()
        }
    }
}
