//! The preview's verdict per user, without I/O: what Entra's mappings would write for each
//! user in scope, matched against Unity's accounts on the job's matching attributes
//! (userName first, then the others by priority), as the provisioning service does it.

use std::collections::HashMap;

use serde_json::Value;

use crate::entra::types::AttributeMapping;
use crate::unity::{attribute_text, same_value};
use crate::wizard::preview::report::{AttributeChange, PreviewAction, PreviewUser};

/// What the classification needs besides the two sides.
pub(crate) struct ClassifyRules<'a> {
    pub mappings: &'a [AttributeMapping],
    /// Domains Unity has validated, lower case; empty when unknown (then not checked).
    pub validated_domains: &'a [String],
}

/// A target attribute and the value Entra would write for one user.
struct Expected {
    attribute: String,
    value: Option<String>,
    matching_priority: i32,
}

fn entra_text(user: &Value, property: &str) -> Option<String> {
    let value = user
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(property))?
        .1;
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

pub(crate) fn upn_of(user: &Value) -> String {
    entra_text(user, "userPrincipalName").unwrap_or_default()
}

fn enabled(user: &Value) -> bool {
    user.get("accountEnabled").and_then(Value::as_bool) != Some(false)
}

/// The values Entra's mappings produce for `user`. `active` comes from the Switch over
/// IsSoftDeleted: a disabled Entra user reads as soft-deleted.
fn expected_values(rules: &ClassifyRules, user: &Value) -> Vec<Expected> {
    rules
        .mappings
        .iter()
        .filter_map(|mapping| {
            let attribute = mapping.target_attribute_name.clone();
            let value = if attribute.eq_ignore_ascii_case("active") {
                Some(enabled(user).to_string())
            } else {
                entra_text(user, mapping.direct_source()?)
            };
            Some(Expected {
                attribute,
                value,
                matching_priority: mapping.matching_priority,
            })
        })
        .collect()
}

/// Unity's accounts, indexed for matching and uniqueness checks.
pub(crate) struct UnityIndex<'a> {
    pub users: &'a [Value],
    /// (matching attribute, lower-cased value) → positions in `users`.
    by_attribute: HashMap<(String, String), Vec<usize>>,
    /// Lower-cased userName and e-mail values → positions (what Unity keeps unique).
    by_identity: HashMap<String, Vec<usize>>,
}

impl<'a> UnityIndex<'a> {
    pub(crate) fn new(users: &'a [Value], mappings: &[AttributeMapping]) -> Self {
        let mut by_attribute: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut by_identity: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, user) in users.iter().enumerate() {
            for mapping in mappings.iter().filter(|m| m.matching_priority > 0) {
                if let Some(value) = attribute_text(user, &mapping.target_attribute_name) {
                    by_attribute
                        .entry((
                            mapping.target_attribute_name.to_ascii_lowercase(),
                            value.to_lowercase(),
                        ))
                        .or_default()
                        .push(i);
                }
            }
            let emails = user
                .get("emails")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("value").and_then(Value::as_str));
            for identity in attribute_text(user, "userName")
                .into_iter()
                .chain(emails.map(str::to_string))
            {
                by_identity
                    .entry(identity.to_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        Self {
            users,
            by_attribute,
            by_identity,
        }
    }
}

fn change(attribute: &str, from: Option<String>, to: Option<String>) -> AttributeChange {
    AttributeChange {
        attribute: attribute.to_string(),
        from,
        to,
    }
}

/// Classifies one user in scope; returns the verdict and the Unity account it matched.
pub(crate) fn classify_in_scope(
    rules: &ClassifyRules,
    index: &UnityIndex,
    user: &Value,
) -> (PreviewUser, Option<usize>) {
    let upn = upn_of(user);
    let expected = expected_values(rules, user);
    let mut verdict = PreviewUser {
        user_principal_name: upn.clone(),
        display_name: entra_text(user, "displayName"),
        action: PreviewAction::Create,
        reason: String::new(),
        changes: Vec::new(),
    };
    let mut matching: Vec<&Expected> = expected
        .iter()
        .filter(|e| e.matching_priority > 0)
        .collect();
    matching.sort_by_key(|e| e.matching_priority);
    let Some(primary) = matching.first() else {
        verdict.action = PreviewAction::Skip;
        verdict.reason =
            "The job's user mapping has no matching attribute, so Entra cannot match anyone."
                .into();
        return (verdict, None);
    };
    if primary.value.is_none() {
        verdict.action = PreviewAction::Skip;
        verdict.reason = format!(
            "No value for {}, which Unity requires and Entra matches on.",
            primary.attribute
        );
        return (verdict, None);
    }
    let mut matched = None;
    for wanted in &matching {
        let Some(value) = &wanted.value else { continue };
        let key = (wanted.attribute.to_ascii_lowercase(), value.to_lowercase());
        match index.by_attribute.get(&key).map(Vec::as_slice) {
            None | Some([]) => continue,
            Some([one]) => {
                matched = Some(*one);
                break;
            }
            Some(many) => {
                verdict.action = PreviewAction::Conflict;
                verdict.reason = format!(
                    "{} Unity accounts have {} {value}: Entra cannot tell which one is this user.",
                    many.len(),
                    wanted.attribute
                );
                return (verdict, None);
            }
        }
    }
    let Some(position) = matched else {
        return (unmatched(rules, index, user, &expected, verdict), None);
    };
    let account = &index.users[position];
    let mut changes = Vec::new();
    for wanted in &expected {
        // Entra does not provision empty values.
        let Some(to) = &wanted.value else { continue };
        let from = attribute_text(account, &wanted.attribute);
        if !from.as_deref().is_some_and(|f| same_value(f, to)) {
            changes.push(change(&wanted.attribute, from, Some(to.clone())));
        }
    }
    if changes.is_empty() {
        verdict.action = PreviewAction::InSync;
        verdict.reason = "Unity already has this user as Entra would write it.".into();
    } else if !enabled(user) {
        verdict.action = PreviewAction::Update;
        verdict.reason =
            "Disabled in Entra: Entra deactivates the Unity account (Unity deletes it).".into();
        verdict.changes = changes;
    } else {
        verdict.action = PreviewAction::Update;
        verdict.reason = format!("In Unity; Entra changes {} attribute(s).", changes.len());
        verdict.changes = changes;
    }
    (verdict, Some(position))
}

fn unmatched(
    rules: &ClassifyRules,
    index: &UnityIndex,
    user: &Value,
    expected: &[Expected],
    mut verdict: PreviewUser,
) -> PreviewUser {
    let upn = verdict.user_principal_name.clone();
    if !enabled(user) {
        verdict.action = PreviewAction::Skip;
        verdict.reason = "Disabled in Entra: Entra does not create disabled users.".into();
        return verdict;
    }
    let domain = upn.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    if let Some(domain) = domain.filter(|_| !rules.validated_domains.is_empty()) {
        if !rules
            .validated_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&domain))
        {
            verdict.action = PreviewAction::Skip;
            verdict.reason = format!(
                "{domain} is not a domain Unity has validated, so Unity refuses the account."
            );
            return verdict;
        }
    }
    // What Unity keeps unique: an account already holding one of these values is a clash.
    let identities = expected
        .iter()
        .filter(|e| {
            e.attribute.eq_ignore_ascii_case("userName")
                || e.attribute.to_ascii_lowercase().starts_with("emails")
        })
        .filter_map(|e| e.value.clone());
    for identity in identities {
        if let Some(&first) = index
            .by_identity
            .get(&identity.to_lowercase())
            .and_then(|p| p.first())
        {
            let holder = attribute_text(&index.users[first], "userName").unwrap_or_default();
            verdict.action = PreviewAction::Conflict;
            verdict.reason = format!(
                "The Unity account {holder} already uses {identity} but Entra will not match it: the create would fail on uniqueness."
            );
            return verdict;
        }
    }
    verdict.action = PreviewAction::Create;
    verdict.reason = "Not in Unity: Entra creates the account.".into();
    verdict.changes = expected
        .iter()
        .filter_map(|e| {
            e.value
                .clone()
                .map(|to| change(&e.attribute, None, Some(to)))
        })
        .collect();
    verdict
}

/// A Unity account whose Entra user is no longer in scope.
pub(crate) fn classify_out_of_scope(
    unity_user: &Value,
    skip_out_of_scope_deletions: bool,
) -> PreviewUser {
    let user_name = attribute_text(unity_user, "userName").unwrap_or_default();
    let (action, reason) = if skip_out_of_scope_deletions {
        (
            PreviewAction::Skip,
            "No longer in scope, but kept: the job skips out-of-scope deletions.".to_string(),
        )
    } else {
        (
            PreviewAction::Remove,
            "In Unity but no longer in scope: Entra deactivates the account it provisioned, and Unity deletes it.".to_string(),
        )
    };
    PreviewUser {
        user_principal_name: user_name,
        display_name: attribute_text(unity_user, "displayName"),
        action,
        reason,
        changes: vec![change("active", Some("true".into()), Some("false".into()))]
            .into_iter()
            .filter(|_| !skip_out_of_scope_deletions)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mappings() -> Vec<AttributeMapping> {
        serde_json::from_value(json!([
            {"targetAttributeName": "userName", "matchingPriority": 1, "source": {"name": "userPrincipalName", "type": "Attribute"}},
            {"targetAttributeName": "active", "matchingPriority": 0, "source": {"name": "Switch", "type": "Function"}},
            {"targetAttributeName": "displayName", "matchingPriority": 0, "source": {"name": "displayName", "type": "Attribute"}},
            {"targetAttributeName": "emails[type eq \"work\"].value", "matchingPriority": 0, "source": {"name": "mail", "type": "Attribute"}},
            {"targetAttributeName": "externalId", "matchingPriority": 2, "source": {"name": "mailNickname", "type": "Attribute"}}
        ]))
        .expect("mappings")
    }

    fn entra(upn: &str, name: &str, enabled: bool) -> Value {
        json!({"id": upn, "userPrincipalName": upn, "displayName": name, "mail": upn,
               "mailNickname": upn.split('@').next(), "accountEnabled": enabled})
    }

    fn unity(user_name: &str, name: &str, external: &str) -> Value {
        json!({"id": user_name, "userName": user_name, "displayName": name, "active": true, "externalId": external,
               "emails": [{"type": "work", "value": user_name}]})
    }

    #[test]
    fn every_class_is_reached() {
        let maps = mappings();
        let domains = vec!["contoso.com".to_string()];
        let rules = ClassifyRules {
            mappings: &maps,
            validated_domains: &domains,
        };
        let accounts = vec![
            unity("same@contoso.com", "Same", "same"),
            unity("old@contoso.com", "Old Name", "old"),
            unity("twin1@contoso.com", "Twin", "twin"),
            unity("twin2@contoso.com", "Twin", "twin"),
            unity("other@contoso.com", "Clash", "clash"),
        ];
        let index = UnityIndex::new(&accounts, &maps);
        let run = |user: Value| classify_in_scope(&rules, &index, &user).0;
        assert_eq!(
            run(entra("same@contoso.com", "Same", true)).action,
            PreviewAction::InSync
        );
        let updated = run(entra("old@contoso.com", "New Name", true));
        assert_eq!(updated.action, PreviewAction::Update);
        assert_eq!(updated.changes[0].attribute, "displayName");
        assert_eq!(updated.changes[0].from.as_deref(), Some("Old Name"));
        assert_eq!(
            run(entra("new@contoso.com", "New", true)).action,
            PreviewAction::Create
        );
        assert_eq!(
            run(entra("off@contoso.com", "Off", false)).action,
            PreviewAction::Skip
        );
        let foreign = run(entra("x@fabrikam.com", "F", true));
        assert_eq!(foreign.action, PreviewAction::Skip);
        assert!(foreign.reason.contains("fabrikam.com"));
        // No userName match; two accounts share the second matching attribute.
        let twin = run(
            json!({"userPrincipalName": "twin@contoso.com", "mailNickname": "twin", "mail": "twin@contoso.com", "accountEnabled": true}),
        );
        assert_eq!(twin.action, PreviewAction::Conflict, "{twin:?}");
        // The e-mail is taken by an account Entra will not match.
        let clash = run(
            json!({"userPrincipalName": "new2@contoso.com", "mail": "other@contoso.com", "mailNickname": "n2", "accountEnabled": true}),
        );
        assert_eq!(clash.action, PreviewAction::Conflict, "{clash:?}");
        assert_eq!(
            classify_out_of_scope(&accounts[0], false).action,
            PreviewAction::Remove
        );
        assert_eq!(
            classify_out_of_scope(&accounts[0], true).action,
            PreviewAction::Skip
        );
    }
}
