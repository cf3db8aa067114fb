//! The Tenant URL's shape, judged before any call: the scheme Entra accepts, a path that Entra
//! can append `/Users` to, and what the query string does (only `aadOptscim062020` means
//! anything to Entra).

use std::net::IpAddr;

use url::Url;

use crate::diagnose::output::explain::{quoted, FailureKind};
use crate::diagnose::output::report::{Check, CheckResult};

pub const URL_HTTPS: Check = Check {
    id: "url-https",
    title: "The Tenant URL uses HTTPS",
};
pub const URL_PATH: Check = Check {
    id: "url-path",
    title: "The Tenant URL's path is a SCIM base",
};
pub const URL_QUERY: Check = Check {
    id: "url-query",
    title: "The Tenant URL's query string",
};

/// Unity's SCIM gateway (<https://docs.unity.com/en-us/oas-scim-client/2.0.0>).
const UNITY_SCIM_HOST: &str = "services.api.unity.com";
pub(crate) const COMPLIANCE_FLAG: &str = "aadOptscim062020";

/// The parsed URL and what it says about the dialect Entra will speak.
pub(crate) struct UrlShape {
    pub url: Option<Url>,
    /// The Tenant URL carries `?aadOptscim062020`: Entra sends RFC-compliant PATCH.
    pub compliance_flag: bool,
    pub checks: Vec<CheckResult>,
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

pub(crate) fn check_url(raw: &str) -> UrlShape {
    let url = match Url::parse(raw.trim()) {
        Ok(url) if url.host().is_some() && matches!(url.scheme(), "http" | "https") => url,
        Ok(url) => {
            let detail = format!(
                "(scheme {}, no host or not http/https)",
                quoted(url.scheme())
            );
            return invalid(detail);
        }
        Err(err) => return invalid(format!("({err})")),
    };
    let checks = vec![check_scheme(&url), check_path(&url), check_query(&url)];
    let compliance_flag = url
        .query_pairs()
        .any(|(k, _)| k.as_ref() == COMPLIANCE_FLAG);
    UrlShape {
        url: Some(url),
        compliance_flag,
        checks,
    }
}

fn invalid(detail: String) -> UrlShape {
    UrlShape {
        url: None,
        compliance_flag: false,
        checks: vec![
            CheckResult::new(URL_HTTPS).fail(FailureKind::InvalidUrl, detail),
            CheckResult::skipped(URL_PATH, "the URL could not be read"),
            CheckResult::skipped(URL_QUERY, "the URL could not be read"),
        ],
    }
}

fn check_scheme(url: &Url) -> CheckResult {
    let result = CheckResult::new(URL_HTTPS).fact("scheme", url.scheme());
    match url.scheme() {
        "https" => result,
        _ if is_loopback(url) => result.warn(FailureKind::PlainHttpLoopback, ""),
        _ => result.fail(FailureKind::PlainHttp, ""),
    }
}

fn check_path(url: &Url) -> CheckResult {
    let path = url.path().trim_end_matches('/');
    let result = CheckResult::new(URL_PATH).fact("path", url.path());
    let last = path.rsplit('/').next().unwrap_or_default();
    for resource in [
        "Users",
        "Groups",
        "ServiceProviderConfig",
        "Schemas",
        "ResourceTypes",
    ] {
        if last.eq_ignore_ascii_case(resource) {
            return result.fail(
                FailureKind::TrailingUsersPath,
                format!("(the path ends in /{last})"),
            );
        }
    }
    if last.eq_ignore_ascii_case("tenants") {
        return result.fail(
            FailureKind::NotUnityTenantPath,
            "(the path ends at /tenants: the organization id is missing)",
        );
    }
    let on_unity = url
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case(UNITY_SCIM_HOST));
    if on_unity {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let shaped =
            matches!(segments.as_slice(), ["scim", "v2", "tenants", org] if !org.is_empty());
        if !shaped {
            return result.fail(
                FailureKind::NotUnityTenantPath,
                format!("(the path is {})", quoted(url.path())),
            );
        }
        return result.fact("organization id", segments[3]);
    }
    result
}

fn check_query(url: &Url) -> CheckResult {
    let result = CheckResult::new(URL_QUERY);
    let Some(query) = url.query() else {
        return result.fact(
            "compliance flag",
            "absent: Entra sends its legacy PATCH dialect",
        );
    };
    let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    if keys.iter().any(|k| k == COMPLIANCE_FLAG) {
        let others: Vec<&str> = keys
            .iter()
            .filter(|k| *k != COMPLIANCE_FLAG)
            .map(String::as_str)
            .collect();
        let result = result.fact(
            "compliance flag",
            "present: Entra sends RFC-compliant PATCH (lower-case ops, boolean active)",
        );
        if others.is_empty() {
            return result;
        }
        return result.warn(
            FailureKind::UnknownQueryString,
            format!("(besides the flag: {})", quoted(&others.join("&"))),
        );
    }
    let misspelt = keys.iter().find(|k| {
        let lower = k.to_ascii_lowercase();
        lower.contains("scim062020") || lower.contains("scimpatch") || lower == "aadoptscim062020"
    });
    if let Some(flag) = misspelt {
        if flag.eq_ignore_ascii_case("AzureAdScimPatch2017") {
            return result.fact(
                "compliance flag",
                "AzureAdScimPatch2017: the legacy dialect, pinned",
            );
        }
        return result.warn(
            FailureKind::MisspelledComplianceFlag,
            format!("(found {})", quoted(flag)),
        );
    }
    result.warn(FailureKind::UnknownQueryString, format!("(?{query})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::output::report::Outcome;

    fn outcome(url: &str, id: &str) -> (Outcome, Option<FailureKind>) {
        let shape = check_url(url);
        let check = shape
            .checks
            .into_iter()
            .find(|c| c.id == id)
            .expect("check present");
        (check.outcome, check.failure)
    }

    #[test]
    fn unity_tenant_url_passes() {
        let url = "https://services.api.unity.com/scim/v2/tenants/1234";
        for id in ["url-https", "url-path", "url-query"] {
            assert_eq!(outcome(url, id).0, Outcome::Pass, "{id}");
        }
    }

    #[test]
    fn plain_http_fails_except_on_loopback() {
        assert_eq!(
            outcome("http://scim.example.org/scim", "url-https"),
            (Outcome::Fail, Some(FailureKind::PlainHttp))
        );
        assert_eq!(
            outcome("http://127.0.0.1:4000/scim", "url-https"),
            (Outcome::Warn, Some(FailureKind::PlainHttpLoopback))
        );
    }

    #[test]
    fn trailing_users_and_wrong_unity_paths_fail() {
        assert_eq!(
            outcome(
                "https://services.api.unity.com/scim/v2/tenants/1/Users",
                "url-path"
            )
            .1,
            Some(FailureKind::TrailingUsersPath)
        );
        assert_eq!(
            outcome("https://services.api.unity.com/scim/v2/1234", "url-path").1,
            Some(FailureKind::NotUnityTenantPath)
        );
        assert_eq!(
            outcome("http://127.0.0.1:9/scim/v2/tenants/", "url-path").1,
            Some(FailureKind::NotUnityTenantPath)
        );
    }

    #[test]
    fn query_flag_is_recognised_and_misspellings_flagged() {
        let shape = check_url("https://h.example/scim?aadOptscim062020");
        assert!(shape.compliance_flag);
        assert_eq!(
            outcome("https://h.example/scim?AzureAdScimPatch062020", "url-query").1,
            Some(FailureKind::MisspelledComplianceFlag)
        );
        assert_eq!(
            outcome("https://h.example/scim?tenant=4", "url-query").1,
            Some(FailureKind::UnknownQueryString)
        );
    }

    #[test]
    fn garbage_is_an_invalid_url() {
        assert_eq!(
            outcome("services.api.unity.com/scim", "url-https").1,
            Some(FailureKind::InvalidUrl)
        );
    }
}
