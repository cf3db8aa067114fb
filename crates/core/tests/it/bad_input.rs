//! The bad-input catalogue (docs/bad-input.md), engine side: every field of the window ends in
//! one of these engine functions, and each row here is a row of `docs/bad-input.md` with the
//! exact message a person gets. The last test checks that the catalogue shows every message.

use std::path::{Path, PathBuf};

use scim_core::fuzzing::tenant_url_checks;
use scim_core::unity::guided::{parse_connector_input, parse_pasted_token};
use scim_core::{CloudProfile, Problem};

/// What a row expects: accepted as the given value, or refused with this cause.
enum Expect {
    Accepted(&'static str),
    Refused(&'static str),
}

use Expect::{Accepted, Refused};

fn ten_megabytes(unit: char) -> String {
    std::iter::repeat_n(unit, 10 * 1024 * 1024).collect()
}

fn check(field: &str, label: &str, outcome: Result<String, Problem>, expect: &Expect) {
    match (outcome, expect) {
        (Ok(value), Accepted(expected)) => {
            assert_eq!(value, *expected, "{field}: {label}");
        }
        (Err(problem), Refused(cause)) => {
            assert_eq!(problem.kind_name(), "badInput", "{field}: {label}");
            assert_eq!(problem.info().cause, *cause, "{field}: {label}");
        }
        (Ok(value), Refused(cause)) => {
            panic!("{field}: {label}: accepted as {value:?}, expected {cause:?}")
        }
        (Err(problem), Accepted(_)) => {
            panic!("{field}: {label}: refused: {}", problem.info().cause)
        }
    }
}

const TOKEN_EMPTY: &str = "Nothing was pasted.";
const TOKEN_SPACES: &str =
    "The pasted text contains spaces or line breaks, so it is not a single token.";
const TOKEN_URL: &str = "This looks like a URL, not a token.";
const TOKEN_CHARACTERS: &str = "The pasted text contains characters a bearer token never has (letters with accents, symbols or control characters).";
const TOKEN_TOO_LONG: &str =
    "The pasted text is 10485760 characters long, far longer than a bearer token.";

fn token_rows() -> Vec<(&'static str, String, Expect)> {
    vec![
        ("empty", String::new(), Refused(TOKEN_EMPTY)),
        ("whitespace only", " \t\n ".into(), Refused(TOKEN_EMPTY)),
        ("`Bearer ` alone", "Bearer ".into(), Refused(TOKEN_EMPTY)),
        (
            "a `Bearer ` prefix",
            "Bearer abc.def-123".into(),
            Accepted("abc.def-123"),
        ),
        (
            "a `bearer` prefix, other case",
            "bEaReR abc.def-123".into(),
            Accepted("abc.def-123"),
        ),
        (
            "surrounding spaces and a final newline",
            "  abc.def-123\n".into(),
            Accepted("abc.def-123"),
        ),
        (
            "a newline inside",
            "abc.def\n-123".into(),
            Refused(TOKEN_SPACES),
        ),
        ("a space inside", "abc def".into(), Refused(TOKEN_SPACES)),
        (
            "a URL instead",
            "https://services.api.unity.com/scim/v2/tenants/x".into(),
            Refused(TOKEN_URL),
        ),
        ("non-ASCII", "tökén-123".into(), Refused(TOKEN_CHARACTERS)),
        (
            "a control character",
            "abc\u{7}def".into(),
            Refused(TOKEN_CHARACTERS),
        ),
        ("10 MB of text", ten_megabytes('a'), Refused(TOKEN_TOO_LONG)),
    ]
}

#[test]
fn the_bearer_token_field() {
    for (label, input, expect) in token_rows() {
        let outcome = parse_pasted_token(&input).map(|secret| secret.expose().to_string());
        check("bearer token", label, outcome, &expect);
    }
}

const URL_EMPTY: &str = "Nothing was pasted.";
const URL_HTTPS: &str = "Entra only calls SCIM endpoints over HTTPS.";
const URL_QUERY: &str = "The URL carries a query string, which a SCIM base URL does not have.";
const URL_FRAGMENT: &str = "The URL carries a fragment (#…), which a SCIM base URL does not have.";
const URL_USERINFO: &str = "The URL carries a user name or password before the host (user@host), which a SCIM base URL does not have.";
const URL_NOT_TENANT: &str = "This is a Unity address but not a SCIM connector URL (expected https://services.api.unity.com/scim/v2/tenants/ORGANIZATION-ID).";
const URL_USERS: &str =
    "The URL ends in /users: that is a resource under the SCIM base, not the base.";
const URL_TOO_LONG: &str = "The pasted text is 10485760 characters long, far longer than a connector URL or an organization ID.";
const URL_SPACES: &str = "The pasted text contains spaces, line breaks or control characters.";
const GOOD: &str = "https://services.api.unity.com/scim/v2/tenants/3f2a9c1e";

fn connector_rows() -> Vec<(&'static str, String, Expect)> {
    vec![
        ("empty", String::new(), Refused(URL_EMPTY)),
        ("whitespace only", "  \n".into(), Refused(URL_EMPTY)),
        ("the connector URL", GOOD.into(), Accepted(GOOD)),
        (
            "an organization ID",
            "3f2a9c1e".into(),
            Accepted("https://services.api.unity.com/scim/v2/tenants/3f2a9c1e"),
        ),
        ("a trailing slash", format!("{GOOD}/"), Accepted(GOOD)),
        (
            "`http://`",
            GOOD.replace("https", "http"),
            Refused(URL_HTTPS),
        ),
        ("a query", format!("{GOOD}?x=1"), Refused(URL_QUERY)),
        (
            "the compliance flag",
            format!("{GOOD}?aadOptscim062020"),
            Accepted("https://services.api.unity.com/scim/v2/tenants/3f2a9c1e?aadOptscim062020"),
        ),
        ("a fragment", format!("{GOOD}#top"), Refused(URL_FRAGMENT)),
        (
            "userinfo",
            "https://admin:pw@services.api.unity.com/scim/v2/tenants/3f2a9c1e".into(),
            Refused(URL_USERINFO),
        ),
        (
            "`/tenants` without an ID",
            "https://services.api.unity.com/scim/v2/tenants".into(),
            Refused(URL_NOT_TENANT),
        ),
        (
            "`/tenants/` without an ID",
            "https://services.api.unity.com/scim/v2/tenants/".into(),
            Refused(URL_NOT_TENANT),
        ),
        (
            "a trailing /Users",
            format!("{GOOD}/Users"),
            Refused(URL_USERS),
        ),
        (
            "non-ASCII organization ID",
            "organisätion".into(),
            Refused("\u{201c}organisätion\u{201d} is neither a URL nor an organization ID."),
        ),
        (
            "a Bearer token by mistake",
            "Bearer abc".into(),
            Refused(URL_SPACES),
        ),
        (
            "not a URL",
            "services.api.unity.com/scim".into(),
            Refused("\u{201c}services.api.unity.com/scim\u{201d} is not a complete URL."),
        ),
        ("10 MB of text", ten_megabytes('a'), Refused(URL_TOO_LONG)),
        ("a line break inside", format!("{GOOD}\n/x"), Refused(URL_SPACES)),
        (
            "a space inside an organization ID",
            "3f2a 9c1e".into(),
            Refused(URL_SPACES),
        ),
        // Found by the tenant_url fuzz target: a form feed inside the path was handed on.
        (
            "a control character inside (fuzzing)",
            "https://servies.ca.api.pi.unity.com/scim/v2/tenants/3f3a9c1euser:pw@examna\u{c}ttp:2020".into(),
            Refused(URL_SPACES),
        ),
    ]
}

#[test]
fn the_connector_url_field() {
    let profile = CloudProfile::global();
    for (label, input, expect) in connector_rows() {
        let outcome = parse_connector_input(&profile, &input);
        check("connector URL", label, outcome, &expect);
    }
}

/// Diagnose's Tenant URL field: the shape checks it runs before any call. Each row: the
/// check that does not pass, its outcome and the cause shown.
fn diagnose_url_rows() -> Vec<(
    &'static str,
    String,
    &'static str,
    &'static str,
    &'static str,
)> {
    vec![
        ("empty", String::new(), "url-https", "fail", "The Tenant URL is not a valid absolute URL. (relative URL without a base)"),
        ("whitespace only", " ".into(), "url-https", "fail", "The Tenant URL is not a valid absolute URL. (relative URL without a base)"),
        ("`http://`", GOOD.replace("https", "http"), "url-https", "fail", "The Tenant URL uses plain http; Entra only calls SCIM endpoints over HTTPS."),
        ("a query", format!("{GOOD}?x=1"), "url-query", "warn", "The Tenant URL carries a query string; Entra appends /Users to the path, so anything after ? is either ignored or breaks the calls. (?x=1)"),
        ("`/tenants` without an ID", "https://services.api.unity.com/scim/v2/tenants".into(), "url-path", "fail", "The URL's path is not Unity's /scim/v2/tenants/<organization id>, so Entra's calls would land on a wrong path (404). (the path ends at /tenants: the organization id is missing)"),
        ("a trailing /Users", format!("{GOOD}/Users"), "url-path", "fail", "The Tenant URL ends in /Users (or /Groups); Entra appends /Users itself, so it would call …/Users/Users and get 404. (the path ends in /Users)"),
        ("not a URL", "services.api.unity.com".into(), "url-https", "fail", "The Tenant URL is not a valid absolute URL. (relative URL without a base)"),
        ("another scheme", "ftp://services.api.unity.com/scim".into(), "url-https", "fail", "The Tenant URL is not a valid absolute URL. (scheme “ftp”, no host or not http/https)"),
        ("10 MB of text", ten_megabytes('a'), "url-https", "fail", "The Tenant URL is not a valid absolute URL. (relative URL without a base)"),
    ]
}

#[test]
fn the_diagnose_tenant_url_field() {
    for (label, input, id, outcome, cause) in diagnose_url_rows() {
        let checks = tenant_url_checks(&input);
        let seen = checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{label}: no {id} check"));
        let json = serde_json::to_value(seen).expect("a check serializes");
        assert_eq!(json["outcome"], outcome, "{label}");
        assert_eq!(seen.cause.as_deref(), Some(cause), "{label}");
    }
}

/// The profile file (the window's Settings › Profile file, the CLI's --profile).
fn profile_rows(dir: &Path) -> Vec<(&'static str, PathBuf, String)> {
    let shown = |name: &str| dir.join(name).display().to_string();
    vec![
        ("a missing file", dir.join("missing.json"), format!("There is no file at {}.", shown("missing.json"))),
        ("a directory instead of a file", dir.to_path_buf(), format!("{} is a folder, not a profile file.", dir.display())),
        ("a device that never ends", PathBuf::from("/dev/zero"), "/dev/zero is not a regular file.".into()),
        ("an empty file", dir.join("empty.json"), "The profile is not valid JSON of the expected shape: EOF while parsing a value at line 1 column 0.".into()),
        ("10 MB of text", dir.join("big.json"), format!("{} is 10240 KB, far larger than a profile file (at most 1024 KB).", shown("big.json"))),
        ("not UTF-8", dir.join("binary.json"), format!("{} is not a text file.", shown("binary.json"))),
        ("JSON of another shape", dir.join("partial.json"), "The profile is not valid JSON of the expected shape: missing field `microsoft` at line 1 column 12.".into()),
        ("a URL that is not http(s)", dir.join("ftp.json"), "microsoft.authority must be an http(s) URL, not \"ftp://login.example\".".into()),
        ("an empty path", PathBuf::new(), "No profile file was given.".into()),
    ]
}

fn write_profile_files(dir: &Path) {
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    write("empty.json", b"");
    write("big.json", ten_megabytes(' ').as_bytes());
    write("binary.json", &[0xff, 0xfe, 0x00, 0x7b]);
    write("partial.json", br#"{"name":"x"}"#);
    write(
        "ftp.json",
        br#"{"name":"x","microsoft":{"authority":"ftp://login.example","graph":"https://g.example/v1.0","clientId":"c"},"unity":{"auth":"https://a.example","api":"https://a.example","scim":"https://a.example/scim/v2","clientId":"c"}}"#,
    );
}

#[test]
fn the_profile_file() {
    let dir = tempfile::tempdir().expect("a temp folder");
    write_profile_files(dir.path());
    for (label, path, cause) in profile_rows(dir.path()) {
        let problem = CloudProfile::load(&path).expect_err(label);
        assert_eq!(problem.kind_name(), "badInput", "{label}");
        assert_eq!(problem.info().cause, cause, "{label}");
    }
}

/// As root every file is readable, so the permission row can only be tried as another user:
/// the test says so and skips itself then.
#[test]
fn a_profile_file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join("locked.json");
    std::fs::write(&path, "{}").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        println!("skipped: this account (root) reads files without read permission");
        return;
    }
    let problem = CloudProfile::load(&path).expect_err("unreadable");
    assert_eq!(
        problem.info().cause,
        format!("This account may not read {}.", path.display())
    );
}

/// Every message above appears in docs/bad-input.md, so the catalogue cannot drift.
#[test]
fn the_catalogue_shows_every_message() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/bad-input.md"),
    )
    .expect("docs/bad-input.md");
    let mut messages: Vec<String> = Vec::new();
    for (_, _, expect) in token_rows().into_iter().chain(connector_rows()) {
        if let Refused(cause) = expect {
            messages.push(cause.to_string());
        }
    }
    messages.extend(diagnose_url_rows().into_iter().map(|row| row.4.to_string()));
    // The catalogue shows the profile rows for files in /home/you/profiles.
    let dir = Path::new("/home/you/profiles");
    messages.extend(profile_rows(dir).into_iter().map(|(_, _, cause)| cause));
    messages.push("This account may not read /home/you/profiles/locked.json.".into());
    for message in messages {
        assert!(
            doc.contains(&message),
            "docs/bad-input.md does not show: {message}"
        );
    }
}

/// A profile is a file a person gives us, so it is outside text: a value carrying terminal
/// control sequences, C1 controls or bidirectional overrides (ECMA-48; Unicode UAX #9) reaches
/// no face of the Problem it causes, whichever field holds it.
#[test]
fn a_profile_with_control_characters_reaches_no_face_raw() {
    let hostile = [
        "\u{1b}[2J\u{1b}[31m",
        "\u{1b}]0;set the title\u{7}",
        "\u{9b}1;1H",
        "\u{202e}lmth.exe\u{202c}",
        "\u{2066}x\u{2069}\u{200f}",
    ];
    let dir = tempfile::tempdir().expect("a temp folder");
    for (n, bad) in hostile.iter().enumerate() {
        for field in ["authority", "graph"] {
            let mut profile = serde_json::json!({"name": "x",
                "microsoft": {"authority": "https://login.example", "graph": "https://g.example/v1.0", "clientId": "c"},
                "unity": {"auth": "https://a.example", "api": "https://a.example", "scim": "https://a.example/scim/v2", "clientId": "c"}});
            profile["microsoft"][field] = serde_json::json!(format!("ftp://{bad}login.example"));
            let path = dir.path().join(format!("hostile-{n}-{field}.json"));
            std::fs::write(&path, profile.to_string()).expect("write");
            let problem = CloudProfile::load(&path).expect_err("refused");
            // The JSON face read back, so a control written as a `\u001b` escape counts too.
            let json = serde_json::to_value(&problem).expect("json");
            let faces = [
                problem.to_string(),
                json["cause"].as_str().unwrap_or_default().to_string(),
                json["action"].as_str().unwrap_or_default().to_string(),
            ];
            for face in faces {
                let raw_control = face.chars().find(|c| {
                    (c.is_control() && *c != '\n' && *c != '\t')
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
                });
                assert_eq!(raw_control, None, "{field} with {bad:?}: {face}");
            }
        }
    }
}
