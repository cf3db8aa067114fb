//! The catalogue: every way a SCIM endpoint fails Entra, with the cause in plain words and the fix.
//! Rows come from Microsoft's pages
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility>,
//! <https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status>)
//! and Unity's (<https://docs.unity.com/en-us/cloud/organizations/sso/set-up-scim-with-entra>); a
//! check names the row and adds what exactly it saw.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One row of the catalogue. Stable kebab-case names: the UI and scripts switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum FailureKind {
    InvalidUrl,
    PlainHttp,
    PlainHttpLoopback,
    TrailingUsersPath,
    NotUnityTenantPath,
    UnknownQueryString,
    MisspelledComplianceFlag,
    UnreachableHost,
    DnsFailed,
    UntrustedCertificate,
    CertificateNameMismatch,
    CertificateExpired,
    TlsVersion,
    TlsHandshakeFailed,
    Hang,
    ConnectionDropped,
    AnswerTooLarge,
    LoginPage,
    WrongBaseUrl,
    TokenRejected,
    TokenExpired,
    TokenExpiresSoon,
    BearerPrefixPasted,
    TokenMalformed,
    BasicAuthOnly,
    MissingRole,
    NoAuthRequired,
    Throttled,
    ServerError,
    NotScimResponse,
    TestUserFound,
    FilterRejected,
    WrongContentType,
    ErrorShape,
    DiscoveryMissing,
    PaginationBroken,
    GroupsNotOffered,
    UnknownUserNot404,
    SlowResponses,
    LegacyPatchRejected,
    CompliantPatchRejected,
    DomainNotValidated,
    CreateRejected,
    ConflictOnCreate,
    DuplicateAccepted,
    FilterCaseSensitive,
    WriteMismatch,
    InactiveUserHidden,
    DeleteFailed,
    CleanupIncomplete,
    UnexpectedStatus,
    UserAgentRequired,
    BlockedByProxy,
    MethodBlocked,
    NotAcceptable,
    ScimErrorReturned,
    ExternalIdFilterRejected,
    QuotedFilterRejected,
    ExcludedAttributesIgnored,
    RemoveEmptiedGroup,
    NoOpPatchRejected,
    WorkEmailNotUpserted,
    ManagerNotComplex,
    ResourceNotReadable,
}

impl FailureKind {
    /// Every row of the catalogue, in its order: what docs/diagnose.md lists and what the
    /// test that scans every cause and fix for debug text walks.
    pub const ALL: &'static [FailureKind] = &[
        FailureKind::InvalidUrl,
        FailureKind::PlainHttp,
        FailureKind::PlainHttpLoopback,
        FailureKind::TrailingUsersPath,
        FailureKind::NotUnityTenantPath,
        FailureKind::UnknownQueryString,
        FailureKind::MisspelledComplianceFlag,
        FailureKind::UnreachableHost,
        FailureKind::DnsFailed,
        FailureKind::UntrustedCertificate,
        FailureKind::CertificateNameMismatch,
        FailureKind::CertificateExpired,
        FailureKind::TlsVersion,
        FailureKind::TlsHandshakeFailed,
        FailureKind::Hang,
        FailureKind::ConnectionDropped,
        FailureKind::AnswerTooLarge,
        FailureKind::LoginPage,
        FailureKind::WrongBaseUrl,
        FailureKind::TokenRejected,
        FailureKind::TokenExpired,
        FailureKind::TokenExpiresSoon,
        FailureKind::BearerPrefixPasted,
        FailureKind::TokenMalformed,
        FailureKind::BasicAuthOnly,
        FailureKind::MissingRole,
        FailureKind::NoAuthRequired,
        FailureKind::Throttled,
        FailureKind::ServerError,
        FailureKind::NotScimResponse,
        FailureKind::TestUserFound,
        FailureKind::FilterRejected,
        FailureKind::WrongContentType,
        FailureKind::ErrorShape,
        FailureKind::DiscoveryMissing,
        FailureKind::PaginationBroken,
        FailureKind::GroupsNotOffered,
        FailureKind::UnknownUserNot404,
        FailureKind::SlowResponses,
        FailureKind::LegacyPatchRejected,
        FailureKind::CompliantPatchRejected,
        FailureKind::DomainNotValidated,
        FailureKind::CreateRejected,
        FailureKind::ConflictOnCreate,
        FailureKind::DuplicateAccepted,
        FailureKind::FilterCaseSensitive,
        FailureKind::WriteMismatch,
        FailureKind::InactiveUserHidden,
        FailureKind::DeleteFailed,
        FailureKind::CleanupIncomplete,
        FailureKind::UnexpectedStatus,
        FailureKind::UserAgentRequired,
        FailureKind::BlockedByProxy,
        FailureKind::MethodBlocked,
        FailureKind::NotAcceptable,
        FailureKind::ScimErrorReturned,
        FailureKind::ExternalIdFilterRejected,
        FailureKind::QuotedFilterRejected,
        FailureKind::ExcludedAttributesIgnored,
        FailureKind::RemoveEmptiedGroup,
        FailureKind::NoOpPatchRejected,
        FailureKind::WorkEmailNotUpserted,
        FailureKind::ManagerNotComplex,
        FailureKind::ResourceNotReadable,
    ];
}

/// `text` between typographic quotes: how messages quote what a server or a person wrote
/// (never Rust's debug quoting with its escapes).
pub(crate) fn quoted(text: &str) -> String {
    format!("\u{201c}{text}\u{201d}")
}

/// The cause and the fix of one catalogue row.
pub struct Explanation {
    pub cause: &'static str,
    pub fix: &'static str,
}

const fn row(cause: &'static str, fix: &'static str) -> Explanation {
    Explanation { cause, fix }
}

/// The cause and fix for a row. Checks append what they saw to the cause.
pub fn explain(kind: FailureKind) -> Explanation {
    use FailureKind::*;
    match kind {
        InvalidUrl => row(
            "The Tenant URL is not a valid absolute URL.",
            concat!(crate::unity_scim_status!(404, fix), "; it looks like https://services.api.unity.com/scim/v2/tenants/<organization id>."),
        ),
        PlainHttp => row(
            "The Tenant URL uses plain http; Entra only calls SCIM endpoints over HTTPS.",
            "Use the https:// URL of the endpoint.",
        ),
        PlainHttpLoopback => row(
            "The Tenant URL uses plain http on this computer (a sandbox or local test server); Entra could not call it.",
            "Fine for a local test; give Entra the public https:// URL.",
        ),
        TrailingUsersPath => row(
            "The Tenant URL ends in /Users (or /Groups); Entra appends /Users itself, so it would call …/Users/Users and get 404.",
            "Remove the trailing /Users from the Tenant URL: it must end at the tenant, e.g. …/scim/v2/tenants/<organization id>.",
        ),
        NotUnityTenantPath => row(
            "The URL's path is not Unity's /scim/v2/tenants/<organization id>, so Entra's calls would land on a wrong path (404).",
            concat!(crate::unity_scim_status!(404, fix), " instead of typing it."),
        ),
        UnknownQueryString => row(
            "The Tenant URL carries a query string; Entra appends /Users to the path, so anything after ? is either ignored or breaks the calls.",
            "Remove the query string; keep only ?aadOptscim062020 if you want RFC-compliant PATCH requests.",
        ),
        MisspelledComplianceFlag => row(
            "The Tenant URL carries a misspelt compliance flag; Entra recognises only aadOptscim062020.",
            "Replace it with ?aadOptscim062020 (or remove it).",
        ),
        UnreachableHost => row(
            "The host could not be reached: nothing accepted the connection (wrong host or port, a firewall, or a private network).",
            "Check the host and port in the Tenant URL. Entra calls from Microsoft's AzureActiveDirectory service-tag IP ranges over the internet: the endpoint must be public and allow them.",
        ),
        DnsFailed => row(
            "The host name in the Tenant URL does not resolve in DNS.",
            "Check the spelling of the host; for Unity it is services.api.unity.com. A name that only resolves inside your network cannot be reached by Entra.",
        ),
        UntrustedCertificate => row(
            "The server's TLS certificate is not issued by a public certificate authority (self-signed or a private CA), so Entra refuses the connection.",
            "Install a certificate from a public CA on the endpoint (with its full chain); Entra does not accept self-signed or private-CA certificates.",
        ),
        CertificateNameMismatch => row(
            "The server's TLS certificate is not valid for the host name in the Tenant URL.",
            "Use the host name the certificate was issued for, or install a certificate that covers this name.",
        ),
        CertificateExpired => row(
            "The server's TLS certificate has expired (or is not yet valid).",
            "Renew the endpoint's certificate.",
        ),
        TlsVersion => row(
            "The server does not accept TLS 1.2, the only protocol version Entra's provisioning service uses.",
            "Enable TLS 1.2 with the ECDHE-GCM cipher suites on the endpoint.",
        ),
        TlsHandshakeFailed => row(
            "The TLS handshake failed, so Entra cannot connect (\"An error occurred while sending the request\").",
            "Check the endpoint's TLS setup: TLS 1.2, a public-CA certificate with its chain, RSA ≥ 2048 or ECC ≥ 256 bits.",
        ),
        Hang => row(
            "The endpoint accepted the connection but did not answer in time; Entra gives up the same way and reports the endpoint unavailable.",
            "Check the endpoint's health and anything between (proxy, gateway, firewall holding connections); try again later.",
        ),
        ConnectionDropped => row(
            "The server closed the connection without answering (a crashing server, a proxy or a firewall cutting the connection).",
            "Check the endpoint's health and any proxy or firewall in front of it, then run the diagnosis again.",
        ),
        AnswerTooLarge => row(
            "The endpoint sent an answer larger than any SCIM list page or resource (RFC 7644 section 3.4.2.4: clients ask for pages of a bounded count), so it was not read: a file, a download or a server that streams without end sits at this URL.",
            "Check that the Tenant URL is the SCIM base URL from the Unity Dashboard and that the server honours count= on /Users; then run the diagnosis again.",
        ),
        LoginPage => row(
            "The URL answers with a web page (a sign-in page or a redirect to one) instead of SCIM JSON: it is a website URL, not the SCIM API.",
            "Use the SCIM base connector URL from the Unity Dashboard (https://services.api.unity.com/scim/v2/tenants/<organization id>), not a Dashboard or sign-in page address.",
        ),
        WrongBaseUrl => row(
            "Entra's query on {Tenant URL}/Users answers 404 Not Found: the Tenant URL is wrong (missing /scim/v2, missing /tenants/<organization id>, a wrong organization id or a typo). Entra reports \"HTTP/404 … rather than the expected HTTP/200\" and quarantines the job.",
            concat!(crate::unity_scim_status!(404, fix), " into Entra's Tenant URL."),
        ),
        TokenRejected => row(
            concat!("The endpoint refuses the token (401): ", crate::unity_scim_status!(401, cause), ". Entra shows \"You appear to have entered invalid credentials\"."),
            concat!(crate::unity_scim_status!(401, fix), ", paste it into Entra's Secret Token, Test Connection, save."),
        ),
        TokenExpired => row(
            "The token has expired: Entra's calls are refused and the job goes to quarantine.",
            concat!(crate::unity_scim_status!(401, fix), " and save it as Entra's Secret Token."),
        ),
        TokenExpiresSoon => row(
            "The token expires soon; when it does, Entra's calls are refused and the job goes to quarantine.",
            "Use a long-lived (non-expiring) bearer token, or plan to replace this one in Entra before it expires.",
        ),
        BearerPrefixPasted => row(
            "The token was pasted with a \"Bearer \" prefix; Entra adds \"Bearer \" itself and sends \"Bearer Bearer …\", which is refused.",
            "Paste only the token itself into Entra's Secret Token, without the word Bearer.",
        ),
        TokenMalformed => row(
            "The token contains spaces, quotes or line breaks, so it cannot be the token as issued (a copy-paste slip).",
            "Copy the token again from the Unity Dashboard and paste exactly that, without quotes or line breaks.",
        ),
        BasicAuthOnly => row(
            "The endpoint refuses the token and asks for Basic authentication (WWW-Authenticate: Basic); Entra's non-gallery apps send only a bearer token.",
            concat!("Give Entra a long-lived bearer token (Unity Dashboard > ", crate::unity_dashboard!(bearer_tokens), "), not a service-account key id and secret, which are for Basic authentication."),
        ),
        MissingRole => row(
            concat!("The token is not allowed to use SCIM (403): ", crate::unity_scim_status!(403, cause), "; or SCIM is not enabled for the organization, or the token belongs to another organization."),
            concat!(crate::unity_scim_status!(403, fix), "; check that SCIM provisioning is enabled and that the URL's organization id is the token's organization."),
        ),
        NoAuthRequired => row(
            "The endpoint answers without any token; anyone who knows the URL can read and change users.",
            "Require the bearer token on every SCIM call.",
        ),
        Throttled => row(
            "The endpoint is throttling requests (429 Too Many Requests). Entra backs off and retries later, so provisioning slows down.",
            "Wait for the time the Retry-After header gives and run the diagnosis again; if it persists, ask the provider about its rate limit.",
        ),
        ServerError => row(
            "The endpoint answered with a server error (5xx): the problem is on the provider's side.",
            "Try again later; if it persists, open a ticket with the provider and quote the request-id.",
        ),
        NotScimResponse => row(
            "The endpoint answered 200 but not with a SCIM ListResponse, so Entra cannot read it (Test Connection fails).",
            "The Tenant URL probably points at something other than the SCIM API; use the SCIM base connector URL. A SCIM server must answer the query with {\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\"totalResults\":0,…}.",
        ),
        TestUserFound => row(
            "A query for a random, non-existent userName returned users: the endpoint ignores the filter, so Entra would match the wrong user.",
            "The endpoint must support filter=userName eq \"…\" and return only matching users.",
        ),
        FilterRejected => row(
            "The endpoint rejects the filter Entra sends (filter=userName eq \"…\"), so Test Connection and user matching fail.",
            "The endpoint must support eq filters on userName and externalId (users) and displayName (groups), and answer 200 with an empty ListResponse when nothing matches.",
        ),
        WrongContentType => row(
            "Some JSON answers are not labelled application/scim+json, the media type Entra expects.",
            "Usually harmless; the endpoint should answer with Content-Type: application/scim+json.",
        ),
        ErrorShape => row(
            "Some error answers are not SCIM errors ({\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\"<code as a string>\",…}), so Entra's logs show less about what went wrong.",
            "Have the endpoint answer errors in RFC 7644's Error shape, with status as a string and a scimType from the RFC's list.",
        ),
        DiscoveryMissing => row(
            "A discovery endpoint (/ServiceProviderConfig, /ResourceTypes, /Schemas) is missing or malformed. Entra's non-gallery apps do not need it, but it tells what the endpoint supports.",
            "Nothing to do for Entra; for other clients, serve the RFC 7644 discovery endpoints.",
        ),
        PaginationBroken => row(
            "Listing with startIndex and count does not follow RFC 7644 pagination, so a full sync may miss or repeat users.",
            "The endpoint should honour startIndex (1-based) and count (count=0 returns only totalResults).",
        ),
        GroupsNotOffered => row(
            "The endpoint does not serve /Groups, so Entra cannot provision groups.",
            "Assign users (not groups) to the app in Entra, or turn off group provisioning in the app's attribute mappings.",
        ),
        UnknownUserNot404 => row(
            "Getting a user id that does not exist does not answer 404, so Entra cannot tell a deleted user from an error.",
            "The endpoint should answer 404 with a SCIM Error for unknown ids.",
        ),
        SlowResponses => row(
            "Some answers took several seconds; Entra may time out and retry, slowing provisioning.",
            "Check the endpoint's performance, or run the diagnosis again later.",
        ),
        LegacyPatchRejected => row(
            "The endpoint rejects Entra's default PATCH dialect (capitalised ops such as \"Replace\", active as the string \"False\"), so updates and disabling users fail.",
            "Append ?aadOptscim062020 to Entra's Tenant URL: Entra then sends RFC-compliant PATCH (lower-case ops, boolean active), which this endpoint accepts.",
        ),
        CompliantPatchRejected => row(
            "The endpoint rejects the RFC-compliant PATCH dialect Entra sends when the Tenant URL has ?aadOptscim062020.",
            "Remove ?aadOptscim062020 from the Tenant URL if the legacy dialect works; otherwise the endpoint's PATCH support must be fixed.",
        ),
        DomainNotValidated => row(
            "The endpoint refused to create a user in this domain: Unity only accepts users whose domain is validated for the organization's SSO.",
            concat!("Validate the domain in the Unity Dashboard (", crate::unity_dashboard!(sso_domains), "), or provision only users whose userName is in a validated domain."),
        ),
        CreateRejected => row(
            "The endpoint refused Entra's create-user request (a required attribute missing or invalid).",
            "Compare Entra's attribute mappings with what the endpoint requires (userName, emails[type eq \"work\"].value, name.givenName, name.familyName).",
        ),
        ConflictOnCreate => row(
            "Creating a user answered 409 Conflict although the query for that userName found nobody: the user already exists (for example created by SSO sign-in) under a different userName or externalId, so Entra's matching does not find it.",
            "Make Entra's matching attribute (userName ← userPrincipalName) equal the existing Unity user's userName, or remove the stale user in Unity, then provision again.",
        ),
        DuplicateAccepted => row(
            "Creating the same userName twice succeeded: the endpoint does not enforce uniqueness, so Entra could create duplicates.",
            "The endpoint should answer 409 with scimType uniqueness for an existing userName.",
        ),
        FilterCaseSensitive => row(
            "Filtering on userName is case-sensitive; Entra's matching treats userName case-insensitively, so a user whose case changed would be created twice or answer 409.",
            "userName filters should be case-insensitive (RFC 7643: caseExact false).",
        ),
        WriteMismatch => row(
            "After a write, reading the user back does not show the change, so Entra's updates would be lost.",
            "The endpoint must apply PATCH operations (replace on name, emails[type eq \"work\"].value, active).",
        ),
        InactiveUserHidden => row(
            "A disabled user (active=false) can no longer be read, so Entra cannot re-enable or later delete it.",
            "Inactive users must stay retrievable until they are deleted.",
        ),
        DeleteFailed => row(
            "Deleting the test user failed, or the deleted user can still be read.",
            "The endpoint must answer DELETE /Users/{id} with 204 and then 404 for that id.",
        ),
        CleanupIncomplete => row(
            "The diagnosis could not remove everything it created.",
            "Delete the listed test users or groups by hand in the Unity Dashboard.",
        ),
        UnexpectedStatus => row(
            "The endpoint answered with an HTTP status Entra does not expect for this request.",
            "See the evidence; compare with what Entra expects from a SCIM endpoint.",
        ),
        UserAgentRequired => row(
            "Something in front of the SCIM service (a proxy or a web application firewall) blocks requests that carry no User-Agent header with an HTML 403 page. Entra's provisioning service sends no User-Agent, so all its calls are blocked; the same request with a User-Agent got through.",
            "Allow requests without a User-Agent header to the SCIM path in the proxy or WAF rules (or allow Microsoft's AzureActiveDirectory service-tag IP ranges). Nothing is wrong with the token.",
        ),
        BlockedByProxy => row(
            "The 403 is an HTML page, not a SCIM error: something in front of the SCIM service (a proxy, a gateway or a web application firewall) refused the request before the SCIM service saw it.",
            "Check the proxy or WAF in front of the endpoint: its rules must let Entra's requests (from the AzureActiveDirectory service-tag IP ranges, without a User-Agent) through to the SCIM path. Nothing is wrong with the token.",
        ),
        MethodBlocked => row(
            "The web server in front of the SCIM service refuses this HTTP method with a page that is not a SCIM error (on IIS, WebDAV intercepts PATCH, PUT and DELETE: \"HTTP verb used to access this page is not allowed\"). Entra's updates, disables and deletes all fail.",
            "Allow PATCH, PUT and DELETE for the SCIM path in the web server: on IIS remove the WebDAV module and handler for the site (or allow the verbs in Request Filtering).",
        ),
        NotAcceptable => row(
            "The endpoint answers 406 Not Acceptable to requests whose Accept header does not name JSON. Entra's requests may arrive with Accept: */* or without a JSON media type, so they fail this way (content negotiation).",
            "Make the endpoint answer application/scim+json whatever the Accept header says (*/*, missing, or any JSON type), instead of 406.",
        ),
        ScimErrorReturned => row(
            "The endpoint refused a request Entra really sends, and said why in its SCIM error.",
            "Change the endpoint so it accepts this request as Entra sends it (the evidence shows the exact request); the server's own words say what it objected to.",
        ),
        ExternalIdFilterRejected => row(
            "The endpoint rejects filter=externalId eq \"…\" (while userName eq works). Entra sends this query to match users when the mapping matches on externalId, so every such user fails to match.",
            "Support eq filters on externalId in the endpoint, or in Entra's attribute mappings match users on userName only (Match objects using this attribute: only userName).",
        ),
        QuotedFilterRejected => row(
            "The endpoint rejects or mishandles a displayName filter whose value has spaces and an escaped quote (a quote written as backslash-quote inside the filter's string). Entra sends group names as they are, so such groups cannot be matched.",
            "The endpoint's filter parser must accept quoted strings with spaces and backslash-escaped quotes (RFC 7644 §3.4.2.2, JSON string rules).",
        ),
        ExcludedAttributesIgnored => row(
            "The endpoint ignores excludedAttributes=members on a group query and returns the members anyway. Entra asks without members to keep answers small; with large groups answers get slow and time out.",
            "Honour excludedAttributes=members on /Groups queries (RFC 7644 §3.4.2.5).",
        ),
        RemoveEmptiedGroup => row(
            "Entra's legacy member removal ({\"op\":\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"<id>\"}]}) emptied the whole group instead of removing that one member, so removing one user from a group in Entra removes everybody from it in the target.",
            "Make the endpoint remove only the members listed in value when a Remove on members carries a value; or append ?aadOptscim062020 to the Tenant URL so Entra sends members[value eq \"<id>\"] instead.",
        ),
        NoOpPatchRejected => row(
            "The endpoint refuses a PATCH that changes nothing (for example active set to \"True\" on an active user). Entra re-sends unchanged values on every full cycle, so those users fail on every cycle.",
            "Make the endpoint answer 200 or 204 to a PATCH whose values are already set (a no-op is not an error in RFC 7644 §3.5.2).",
        ),
        WorkEmailNotUpserted => row(
            "Replacing emails[type eq \"work\"].value on a user who has no work email did not add one. Entra sends exactly this when a user gets a mail address later, and expects the work email to be created.",
            "When a replace with a filter on a multi-valued attribute matches nothing, add the value (type work) instead of ignoring it or answering noTarget.",
        ),
        ManagerNotComplex => row(
            "The enterprise manager that Entra writes as a bare id ({\"op\":\"Add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\",\"value\":\"<id>\"}) is stored or returned as a string. Entra reads manager as a complex attribute {\"value\":\"<id>\"} and fails with SystemForCrossDomainIdentityManagementServiceIncompatible.",
            "Store manager as {\"value\": \"<id>\"} whether it arrives as a string or an object, and return it that way; or remove the manager mapping in Entra.",
        ),
        ResourceNotReadable => row(
            "A resource the endpoint returned is not in the shape Entra deserializes (RFC 7643): a key with a dot in its name, a boolean sent as a string, or a complex attribute that is not an object. Entra fails with SystemForCrossDomainIdentityManagementServiceIncompatible.",
            "Store what PATCH writes under the schema's attribute names (name.givenName is givenName inside name), booleans as true/false, and complex attributes (name, manager, emails' items) as objects.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Rust's debug formatting leaves in a message, which people must never read.
    pub(crate) const DEBUG_TEXT: &[&str] = &["Some(", "None", "Ok(", "Err(", "\\\"", "{:?}"];

    #[test]
    fn every_kind_has_a_cause_and_a_fix_in_plain_words() {
        for kind in FailureKind::ALL {
            let explanation = explain(*kind);
            for text in [explanation.cause, explanation.fix] {
                assert!(text.len() > 20, "{kind:?}: {text}");
                for debug in DEBUG_TEXT {
                    assert!(!text.contains(debug), "{kind:?}: {debug} in {text}");
                }
            }
        }
        let names: std::collections::BTreeSet<String> = FailureKind::ALL
            .iter()
            .map(|k| serde_json::to_string(k).unwrap_or_default())
            .collect();
        assert_eq!(
            names.len(),
            FailureKind::ALL.len(),
            "ALL lists a kind twice"
        );
    }
}
