//! What an answer of Unity's SCIM server means, in plain words, written once: why a 401, a
//! 403 or a 404 happens and what fixes it. The guided check, the SCIM reader, Diagnose, the
//! reading of Entra's failures and the on-demand verdicts all compose their sentences from
//! these (RFC 7644 §3.12 for the statuses; Unity's roles and tokens as the Dashboard names
//! them, see `super::dashboard`).

/// The catalogue as literals, so `concat!` can build static catalogue rows (Diagnose's) from
/// it; code that formats at run time uses [`meaning`] or the constants below.
///
/// `cause` is a clause that follows "(401): ", lower-case and without a full stop; `fix` is
/// a sentence start, capitalised and without a full stop, that callers finish with what
/// their own face does next ("then check again", "and save it as Entra's Secret Token").
#[macro_export]
#[doc(hidden)]
macro_rules! unity_scim_status {
    (401, cause) => {
        "it is wrong, expired or revoked"
    };
    (401, fix) => {
        concat!(
            "Create a new long-lived bearer token for the service account (Unity Dashboard > ",
            $crate::unity_dashboard!(bearer_tokens),
            ")"
        )
    };
    (403, cause) => {
        concat!(
            "the token is valid, but its service account lacks the organization role ",
            $crate::unity_dashboard!(scim_authenticator)
        )
    };
    (403, fix) => {
        concat!(
            "In the Unity Dashboard, ",
            $crate::unity_dashboard!(organization_roles),
            ": give it ",
            $crate::unity_dashboard!(scim_authenticator)
        )
    };
    (404, cause) => {
        "the organization ID in the URL is wrong, or the URL is not the SCIM base"
    };
    (404, fix) => {
        concat!(
            "Copy the SCIM base connector URL from the Unity Dashboard (",
            $crate::unity_dashboard!(sso_scim),
            ")"
        )
    };
}

/// Why Unity's SCIM server answered one status, and what fixes it (see the macro's note on
/// how the two read inside a sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScimStatusMeaning {
    /// The HTTP status (401, 403, 404).
    pub status: u16,
    /// Why, as a clause: "it is wrong, expired or revoked".
    pub cause: &'static str,
    /// What to do, as a sentence start: "Create a new long-lived bearer token …".
    pub fix: &'static str,
}

/// 401: Unity does not know the token.
pub const TOKEN_UNKNOWN: ScimStatusMeaning = ScimStatusMeaning {
    status: 401,
    cause: unity_scim_status!(401, cause),
    fix: unity_scim_status!(401, fix),
};

/// 403: Unity knows the token, but its service account may not use SCIM.
pub const ROLE_MISSING: ScimStatusMeaning = ScimStatusMeaning {
    status: 403,
    cause: unity_scim_status!(403, cause),
    fix: unity_scim_status!(403, fix),
};

/// 404: the URL does not name an organization's SCIM base.
pub const WRONG_URL: ScimStatusMeaning = ScimStatusMeaning {
    status: 404,
    cause: unity_scim_status!(404, cause),
    fix: unity_scim_status!(404, fix),
};

/// The meaning of `status` from Unity's SCIM server, or `None` for a status the callers
/// word themselves (429, 5xx, …).
pub fn meaning(status: u16) -> Option<ScimStatusMeaning> {
    [TOKEN_UNKNOWN, ROLE_MISSING, WRONG_URL]
        .into_iter()
        .find(|known| known.status == status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unity::dashboard::{BEARER_TOKENS_MENU, SCIM_AUTHENTICATOR, SSO_SCIM_MENU};

    #[test]
    fn each_status_names_its_dashboard_page() {
        assert!(meaning(401).expect("401").fix.contains(BEARER_TOKENS_MENU));
        let role = meaning(403).expect("403");
        assert!(role.cause.contains(SCIM_AUTHENTICATOR));
        assert!(role.fix.contains(SCIM_AUTHENTICATOR));
        assert!(meaning(404).expect("404").fix.contains(SSO_SCIM_MENU));
        assert_eq!(meaning(500), None);
        for known in [TOKEN_UNKNOWN, ROLE_MISSING, WRONG_URL] {
            assert!(!known.cause.ends_with('.') && !known.fix.ends_with('.'));
            assert!(known.fix.starts_with(char::is_uppercase), "{}", known.fix);
        }
    }
}
