//! Which Microsoft Entra tenant to sign in to: the `{tenant}` segment of the authority URL
//! (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>).
//! `organizations` lets the account pick its home tenant; a tenant ID or a verified domain takes a
//! guest or MSP admin straight into the tenant they manage.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;

/// The tenant a Microsoft sign-in goes to, as the authority path names it.
///
/// Serialized as the segment itself (`"organizations"`, a tenant ID, or a domain), so the
/// journal, the CLI's `--tenant` and the window all spell it the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, TS)]
#[ts(export, type = "string")]
pub enum MicrosoftTenant {
    /// Any work or school account, signed in to its home tenant (`/organizations`).
    #[default]
    Organizations,
    /// A tenant ID (a GUID), lower-cased.
    Id(String),
    /// A verified domain of the tenant (`contoso.com`, `contoso.onmicrosoft.com`), lower-cased
    /// and in its ASCII (punycode) form.
    Domain(String),
}

impl MicrosoftTenant {
    /// Reads what a person typed: `organizations`, a tenant ID or a verified domain. Blank
    /// means `organizations`.
    ///
    /// Errors: `badInput` for `common` or `consumers` (personal Microsoft accounts cannot
    /// administer Entra), an IP address, a URL, or anything that is neither a GUID nor a
    /// domain name; the cause quotes the value and the fix gives examples.
    pub fn parse(text: &str) -> Result<Self, Problem> {
        let value = text.trim();
        let action = "Reading the Microsoft tenant";
        if value.is_empty() || value.eq_ignore_ascii_case("organizations") {
            return Ok(Self::Organizations);
        }
        let fix = "Give the tenant's ID (a GUID, Entra › Overview › Tenant ID) or one of its verified domains (e.g. contoso.com or contoso.onmicrosoft.com), or leave it empty to sign in to your home tenant.";
        if value.eq_ignore_ascii_case("common") || value.eq_ignore_ascii_case("consumers") {
            return Err(Problem::bad_input(
                action,
                format!("\u{201c}{value}\u{201d} also lets personal Microsoft accounts sign in, and they cannot administer Entra ID."),
                fix,
            ));
        }
        if let Ok(id) = uuid::Uuid::try_parse(value) {
            return Ok(Self::Id(id.hyphenated().to_string()));
        }
        let refuse = |why: &str| {
            Problem::bad_input(
                action,
                format!("\u{201c}{value}\u{201d} is not a tenant ID or a domain name: {why}."),
                fix,
            )
        };
        if value.contains("://") || value.contains('/') || value.contains('@') {
            return Err(refuse(
                "give only the domain, not a URL or an e-mail address",
            ));
        }
        match url::Host::parse(value) {
            Ok(url::Host::Domain(domain)) if domain.contains('.') && !domain.ends_with('.') => {
                Ok(Self::Domain(domain.to_ascii_lowercase()))
            }
            Ok(url::Host::Domain(_)) => Err(refuse("a verified domain has at least one dot")),
            Ok(_) => Err(refuse("an IP address names no tenant")),
            Err(err) => Err(refuse(&err.to_string())),
        }
    }

    /// The authority path segment: `organizations`, the ID or the domain.
    pub fn segment(&self) -> &str {
        match self {
            Self::Organizations => "organizations",
            Self::Id(id) => id,
            Self::Domain(domain) => domain,
        }
    }

    /// True for `organizations` (no particular tenant asked for).
    pub fn is_organizations(&self) -> bool {
        matches!(self, Self::Organizations)
    }
}

impl fmt::Display for MicrosoftTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment())
    }
}

impl Serialize for MicrosoftTenant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.segment())
    }
}

impl<'de> Deserialize<'de> for MicrosoftTenant {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(|problem| serde::de::Error::custom(&problem.info().cause))
    }
}

impl std::str::FromStr for MicrosoftTenant {
    type Err = Problem;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_domains_and_the_default() {
        assert_eq!(
            MicrosoftTenant::parse(" ").expect("blank"),
            MicrosoftTenant::Organizations
        );
        assert_eq!(
            MicrosoftTenant::parse("Organizations").expect("named"),
            MicrosoftTenant::Organizations
        );
        assert_eq!(
            MicrosoftTenant::parse("C0A7E5A1-5A4D-4B0C-9D1E-0000C0A70500")
                .expect("id")
                .segment(),
            "c0a7e5a1-5a4d-4b0c-9d1e-0000c0a70500"
        );
        assert_eq!(
            MicrosoftTenant::parse("Contoso.COM").expect("domain"),
            MicrosoftTenant::Domain("contoso.com".into())
        );
        assert_eq!(
            MicrosoftTenant::parse("bücher.example")
                .expect("an international domain")
                .segment(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn refuses_what_names_no_tenant() {
        for bad in [
            "common",
            "consumers",
            "https://login.microsoftonline.com/contoso.com",
            "admin@contoso.com",
            "contoso",
            "10.0.0.1",
            "con toso.com",
        ] {
            let problem = MicrosoftTenant::parse(bad).expect_err(bad);
            assert_eq!(problem.kind_name(), "badInput", "{bad}");
            assert!(problem.info().cause.contains(bad), "{bad}: {problem}");
        }
    }

    #[test]
    fn serializes_as_its_segment() {
        let tenant = MicrosoftTenant::Domain("contoso.com".into());
        assert_eq!(
            serde_json::to_value(&tenant).expect("json"),
            serde_json::json!("contoso.com")
        );
        let back: MicrosoftTenant =
            serde_json::from_value(serde_json::json!("organizations")).expect("reads the default");
        assert!(back.is_organizations());
        assert!(serde_json::from_value::<MicrosoftTenant>(serde_json::json!("common")).is_err());
    }
}
