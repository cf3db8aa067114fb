//! Cloud profiles: every base URL and client ID the engine uses comes from here, so the same
//! code talks to the public clouds, a national cloud or a sandbox. A hard-coded host anywhere
//! else is a bug. The JSON shape is a contract: docs/architecture.md, "Cloud profiles".

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;

/// The Microsoft Graph Command Line Tools public client (the one Microsoft Graph PowerShell signs
/// in as: <https://learn.microsoft.com/powershell/microsoftgraph/authentication-commands>). We
/// recommend an organization's own registration; this is the default only because it works in every
/// tenant without registering anything, and a profile can override it.
pub const GRAPH_CLI_TOOLS_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CloudProfile {
    pub name: String,
    pub microsoft: MicrosoftEndpoints,
    pub unity: UnityEndpoints,
    /// Only a sandbox's profile has this: the facts a script needs to drive it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sandbox: Option<SandboxFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MicrosoftEndpoints {
    /// Sign-in authority without the tenant segment, e.g. the public cloud's login host.
    pub authority: String,
    /// Graph base including the version segment (`…/v1.0`).
    pub graph: String,
    pub client_id: String,
    /// The redirect registered on the client. `http://localhost` (any port) by default.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnityEndpoints {
    /// Unity sign-in (authorize, token, who-am-I).
    pub auth: String,
    /// Unity admin API (organizations, SSO settings, service accounts).
    pub api: String,
    /// SCIM server base; connector URLs are `{scim}/tenants/{orgId}`.
    pub scim: String,
    /// No public Unity client registration exists, so the `global` profile has none and the
    /// API road asks for one (or the admin takes the guided road).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub client_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub redirect_uri: Option<String>,
    /// The Dashboard the guided road deep-links into.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub dashboard: Option<String>,
}

/// Facts a sandbox publishes about itself; never secrets of a real tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SandboxFacts {
    #[serde(default)]
    pub tenant_id: String,
    #[serde(default)]
    pub admin_upn: String,
    #[serde(default)]
    pub unity_org_id: String,
    #[serde(default)]
    pub validated_domain: String,
    #[serde(default)]
    pub scim_base_url: String,
    /// A sandbox's own throwaway token, published so scripts can drive it.
    #[serde(default)]
    pub scim_bearer_token: String,
    #[serde(default)]
    pub sample_user_upns: Vec<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub control: Option<String>,
    /// Anything else the sandbox adds; kept so a profile round-trips unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

const UNITY_AUTH: &str = "https://api.unity.com";
const UNITY_API: &str = "https://services.api.unity.com";
const UNITY_SCIM: &str = "https://services.api.unity.com/scim/v2";
const UNITY_DASHBOARD: &str = "https://cloud.unity.com";

impl CloudProfile {
    /// Names of the built-in profiles, for `--profile` help and the Settings picker.
    pub const BUILT_IN: [&'static str; 3] = ["global", "usgov", "china"];

    pub fn global() -> Self {
        Self::microsoft_cloud(
            "global",
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com/v1.0",
        )
    }

    /// Microsoft's US Government cloud (GCC High / DoD). Unity runs in one cloud only.
    pub fn usgov() -> Self {
        Self::microsoft_cloud(
            "usgov",
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us/v1.0",
        )
    }

    /// Microsoft Azure operated by 21Vianet.
    pub fn china() -> Self {
        Self::microsoft_cloud(
            "china",
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
        )
    }

    fn microsoft_cloud(name: &str, authority: &str, graph: &str) -> Self {
        Self {
            name: name.to_string(),
            microsoft: MicrosoftEndpoints {
                authority: authority.to_string(),
                graph: graph.to_string(),
                client_id: GRAPH_CLI_TOOLS_CLIENT_ID.to_string(),
                redirect_uri: Some("http://localhost".to_string()),
            },
            unity: UnityEndpoints {
                auth: UNITY_AUTH.to_string(),
                api: UNITY_API.to_string(),
                scim: UNITY_SCIM.to_string(),
                client_id: None,
                redirect_uri: None,
                dashboard: Some(UNITY_DASHBOARD.to_string()),
            },
            sandbox: None,
        }
    }

    pub fn built_in(name: &str) -> Option<Self> {
        match name {
            "global" => Some(Self::global()),
            "usgov" => Some(Self::usgov()),
            "china" => Some(Self::china()),
            _ => None,
        }
    }

    /// Parses and checks a profile document (what `scim-setup sandbox` prints).
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        let profile: Self = serde_json::from_str(text).map_err(|err| {
            Problem::bad_input(
                "Reading the cloud profile",
                format!("The profile is not valid JSON of the expected shape: {err}."),
                "Use the JSON that `scim-setup sandbox` prints, or a file with the keys name, \
                 microsoft{authority, graph, clientId} and unity{auth, api, scim}.",
            )
        })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Loads a custom profile file; a built-in name (`global`, `usgov`, `china`) also works.
    pub fn load(path: &Path) -> Result<Self, Problem> {
        if let Some(name) = path.to_str() {
            if let Some(profile) = Self::built_in(name) {
                return Ok(profile);
            }
        }
        let text = read_profile_file(path).map_err(|cause| {
            Problem::bad_input(
                "Reading the cloud profile",
                cause,
                "Check the path given to --profile, or use one of: global, usgov, china.",
            )
        })?;
        Self::from_json(&text)
    }

    /// The largest profile file read, in bytes: a real one is under 2 KB.
    pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

    fn validate(&self) -> Result<(), Problem> {
        let urls = [
            ("microsoft.authority", &self.microsoft.authority),
            ("microsoft.graph", &self.microsoft.graph),
            ("unity.auth", &self.unity.auth),
            ("unity.api", &self.unity.api),
            ("unity.scim", &self.unity.scim),
        ];
        for (field, value) in urls {
            let parsed = url::Url::parse(value).map_err(|err| {
                Problem::bad_input(
                    "Reading the cloud profile",
                    format!("{field} is not a URL ({value:?}): {err}."),
                    "Give an absolute http(s) URL, e.g. the values `scim-setup sandbox` prints.",
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Problem::bad_input(
                    "Reading the cloud profile",
                    format!("{field} must be an http(s) URL, not {value:?}."),
                    "Give an absolute http(s) URL.",
                ));
            }
        }
        if self.microsoft.client_id.trim().is_empty() {
            return Err(Problem::bad_input(
                "Reading the cloud profile",
                "microsoft.clientId is empty.",
                "Give the application (client) ID of a public client registration.",
            ));
        }
        Ok(())
    }

    /// The resource prefix of Graph scopes: the Graph origin (national clouds differ).
    pub fn graph_scope_resource(&self) -> String {
        match url::Url::parse(&self.microsoft.graph) {
            Ok(url) => url.origin().ascii_serialization(),
            Err(_) => self.microsoft.graph.trim_end_matches('/').to_string(),
        }
    }

    pub fn graph_base(&self) -> &str {
        self.microsoft.graph.trim_end_matches('/')
    }

    pub fn microsoft_redirect(&self) -> &str {
        self.microsoft
            .redirect_uri
            .as_deref()
            .unwrap_or("http://localhost")
    }

    pub fn unity_redirect(&self) -> &str {
        self.unity
            .redirect_uri
            .as_deref()
            .unwrap_or("http://127.0.0.1/callback")
    }

    pub fn is_sandbox(&self) -> bool {
        self.sandbox.is_some()
    }
}

/// Reads a profile file as text, or says in plain words why it cannot be: no such file, a
/// folder, no permission, too large (over `CloudProfile::MAX_FILE_BYTES`), not UTF-8 text.
fn read_profile_file(path: &Path) -> Result<String, String> {
    if path.as_os_str().is_empty() {
        return Err("No profile file was given.".to_string());
    }
    let shown = path.display();
    let explain = |err: std::io::Error| match err.kind() {
        std::io::ErrorKind::NotFound => format!("There is no file at {shown}."),
        std::io::ErrorKind::IsADirectory => format!("{shown} is a folder, not a profile file."),
        std::io::ErrorKind::PermissionDenied => format!("This account may not read {shown}."),
        std::io::ErrorKind::InvalidData => format!("{shown} is not a text file."),
        _ => format!("Could not read {shown}: {err}."),
    };
    let metadata = std::fs::metadata(path).map_err(explain)?;
    if metadata.is_dir() {
        return Err(format!("{shown} is a folder, not a profile file."));
    }
    // A device or a pipe (`/dev/zero`, a FIFO) reports no size and never ends: reading one
    // would hang the app at start, when Settings name it as the custom profile.
    if !metadata.is_file() {
        return Err(format!("{shown} is not a regular file."));
    }
    let too_large = |bytes: u64| {
        format!(
            "{shown} is {} KB, far larger than a profile file (at most {} KB).",
            bytes / 1024,
            CloudProfile::MAX_FILE_BYTES / 1024
        )
    };
    if metadata.len() > CloudProfile::MAX_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    // At most one byte past the cap, in case the file grows while it is read.
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(CloudProfile::MAX_FILE_BYTES + 1)
                .read_to_string(&mut text)
        })
        .map_err(explain)?;
    if text.len() as u64 > CloudProfile::MAX_FILE_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SANDBOX_JSON: &str = r#"{"name": "sandbox",
 "microsoft": {"authority": "http://127.0.0.1:41001", "graph": "http://127.0.0.1:41001/v1.0",
               "clientId": "abc"},
 "unity": {"auth": "http://127.0.0.1:41002", "api": "http://127.0.0.1:41002",
           "scim": "http://127.0.0.1:41002/scim/v2", "clientId": "u"},
 "sandbox": {"tenantId": "t", "adminUpn": "admin@contoso.com", "unityOrgId": "1",
             "validatedDomain": "contoso.com",
             "scimBaseUrl": "http://127.0.0.1:41002/scim/v2/tenants/1",
             "scimBearerToken": "x", "sampleUserUpns": ["a", "b"], "control": "http://c",
             "enterpriseAppName": "Unity"}}"#;

    #[test]
    fn parses_the_architecture_shape_and_keeps_extra_sandbox_facts() {
        let profile = CloudProfile::from_json(SANDBOX_JSON).expect("valid profile");
        assert_eq!(profile.microsoft.client_id, "abc");
        assert_eq!(profile.unity.client_id.as_deref(), Some("u"));
        let facts = profile.sandbox.as_ref().expect("sandbox facts");
        assert_eq!(facts.sample_user_upns, vec!["a", "b"]);
        assert_eq!(
            facts.extra.get("enterpriseAppName"),
            Some(&serde_json::json!("Unity"))
        );
        assert_eq!(profile.graph_scope_resource(), "http://127.0.0.1:41001");
        let again = serde_json::to_value(&profile).expect("serializes");
        assert_eq!(again["sandbox"]["enterpriseAppName"], "Unity");
        assert_eq!(again["microsoft"]["clientId"], "abc");
    }

    #[test]
    fn global_defaults_to_the_graph_command_line_tools_client() {
        let global = CloudProfile::global();
        assert_eq!(global.microsoft.client_id, GRAPH_CLI_TOOLS_CLIENT_ID);
        assert_eq!(global.microsoft_redirect(), "http://localhost");
        assert!(global.unity.client_id.is_none());
        assert_eq!(global.graph_scope_resource(), "https://graph.microsoft.com");
        assert_eq!(
            CloudProfile::usgov().graph_scope_resource(),
            "https://graph.microsoft.us"
        );
    }

    #[test]
    fn a_bad_profile_names_the_field() {
        let err = CloudProfile::from_json(
            r#"{"name":"x","microsoft":{"authority":"nope","graph":"http://g","clientId":"c"},
                "unity":{"auth":"http://a","api":"http://a","scim":"http://a/scim"}}"#,
        )
        .expect_err("invalid authority");
        assert!(err.info().cause.contains("microsoft.authority"), "{err:?}");
        let err = CloudProfile::from_json("{").expect_err("not json");
        assert_eq!(err.kind_name(), "badInput");
    }

    #[test]
    fn missing_file_is_a_clear_problem() {
        let err = CloudProfile::load(Path::new("/nonexistent/profile.json")).expect_err("missing");
        assert!(err.info().cause.contains("/nonexistent/profile.json"));
        assert_eq!(
            CloudProfile::load(Path::new("usgov"))
                .expect("built-in")
                .name,
            "usgov"
        );
    }
}
