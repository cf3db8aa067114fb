//! Which clouds the window talks to: a profile file, the embedded sandbox, or the public
//! clouds. Every base URL the engine uses comes from here.

use std::path::PathBuf;

use serde_json::Value;

use super::{AppInfo, ProfileSummary};
use crate::cli::GlobalArgs;

pub struct ActiveCloud {
    profile: Value,
    /// Kept alive for the window's lifetime; dropping it would stop the simulated clouds.
    _sandbox: Option<scim_sandbox::Sandbox>,
    data_dir: PathBuf,
}

impl ActiveCloud {
    pub async fn resolve(global: &GlobalArgs) -> Result<Self, String> {
        if global.sandbox {
            let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig::default())
                .await
                .map_err(|err| format!("the embedded sandbox could not start: {err}"))?;
            return Ok(Self {
                profile: sandbox.profile(),
                _sandbox: Some(sandbox),
                data_dir: PathBuf::new(),
            });
        }
        let profile = match &global.profile {
            Some(path) => read_profile_file(path)?,
            None => global_profile(),
        };
        Ok(Self {
            profile,
            _sandbox: None,
            data_dir: PathBuf::new(),
        })
    }

    pub fn with_data_dir(mut self, data_dir: PathBuf) -> Self {
        self.data_dir = data_dir;
        self
    }

    pub fn app_info(&self) -> AppInfo {
        let text = |pointer: &str| {
            self.profile
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            profile: ProfileSummary {
                name: text("/name"),
                microsoft_authority: text("/microsoft/authority"),
                graph: text("/microsoft/graph"),
                unity_auth: text("/unity/auth"),
                unity_api: text("/unity/api"),
                unity_scim: text("/unity/scim"),
                scim_base_url: self
                    .profile
                    .pointer("/sandbox/scimBaseUrl")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            sandbox: self._sandbox.is_some(),
            data_dir: self.data_dir.display().to_string(),
        }
    }
}

fn read_profile_file(path: &std::path::Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("could not read the profile {}: {err}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|err| format!("the profile {} is not valid JSON: {err}", path.display()))
}

fn global_profile() -> Value {
    serde_json::json!({
        "name": "global",
        "microsoft": {"authority": "https://login.microsoftonline.com",
                      "graph": "https://graph.microsoft.com/v1.0",
                      "clientId": "14d82eec-204b-4c2f-b7e8-296a70dab67e"},
        "unity": {"auth": "https://api.unity.com", "api": "https://services.api.unity.com",
                  "scim": "https://services.api.unity.com/scim/v2"}
    })
}
