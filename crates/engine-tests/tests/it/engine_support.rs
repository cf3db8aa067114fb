//! Shared set-up for the engine tests: a sandbox per test on 127.0.0.1:0, the engine pointed
//! at its profile with an in-memory SecretStore and a temp data folder, and the sandbox's
//! control endpoint for faults and state. Only this crate sees both sides.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use scim_core::auth::oauth::sign_in_with_browser;
use scim_core::auth::providers::{microsoft_endpoints, unity_endpoints};
use scim_core::auth::{FollowRedirectsLauncher, StaticToken};
use scim_core::entra::GraphClient;
use scim_core::http::HttpConfig;
use scim_core::progress::CollectProgress;
use scim_core::unity::UnityAdminClient;
use scim_core::wizard::{
    run_setup, DeletionProtectionChoice, MicrosoftSignInChoice, RateLimit, SetupOptions,
    SetupReport, UnityOptions, UnityRoad, WizardContext, WizardProgress, WizardTuning,
};
use scim_core::{CloudProfile, MemoryStore, Problem, Secret, SecretStore};
use scim_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// A directory of this size puts 10,000 users in "Unity Artists" (every eighth regular user):
/// the preview's scale and its benchmark's (BENCHMARKS.md, "Preview").
pub const USERS_FOR_TEN_THOUSAND_ARTISTS: usize = 80_000;

/// Entra's own sync interval, 40 minutes, which no test outlives: started jobs cycle only when
/// the test runs a cycle ([`Env::run_cycles_now`]), so what a cycle does is checked without
/// waiting for one.
pub const CYCLES_WHEN_ASKED: Duration = Duration::from_secs(40 * 60);

/// The Unity app's "User" app role in the sandbox's seed: what a portal assignment gives.
pub const USER_ROLE_ID: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";

pub struct Env {
    pub sandbox: Option<Sandbox>,
    pub profile: CloudProfile,
    pub raw: Value,
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemoryStore>,
    /// The store the engine uses: `secrets` behind a switch that can refuse like a locked
    /// or missing OS keychain.
    pub keychain: Arc<KeychainSwitch>,
    pub ctx: WizardContext,
    pub progress: CollectProgress<WizardProgress>,
    pub cancel: CancellationToken,
    control: String,
    client: reqwest::Client,
}

/// Short waits so tests run in seconds; the sandbox gets the same on-demand limit.
pub fn fast_tuning() -> WizardTuning {
    WizardTuning {
        replication_delay: Duration::from_millis(50),
        replication_attempts: 8,
        on_demand: RateLimit {
            calls: 5,
            window: Duration::from_secs(2),
        },
    }
}

pub fn fast_http() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(3),
        total_timeout: Duration::from_secs(20),
        max_attempts: 3,
        base_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
        max_retry_after: Duration::from_secs(3),
        ..HttpConfig::default()
    }
}

pub fn config() -> SandboxConfig {
    SandboxConfig {
        port: 0,
        users: 60,
        auto_consent: true,
        sync_interval: Duration::from_millis(500),
        rate_limit: (5, Duration::from_secs(2)),
        ..SandboxConfig::default()
    }
}

pub async fn start() -> Env {
    start_with(config()).await
}

pub async fn start_with(config: SandboxConfig) -> Env {
    start_with_http(config, fast_http()).await
}

/// [`start_with`] with the engine's HTTP settings (timeouts, attempts) given.
pub async fn start_with_http(config: SandboxConfig, http: HttpConfig) -> Env {
    let sandbox = scim_sandbox::start(config).await.expect("sandbox starts");
    let raw = sandbox.profile();
    let profile =
        CloudProfile::from_json(&raw.to_string()).expect("the engine reads the sandbox's profile");
    let dir = tempfile::tempdir().expect("tempdir");
    let secrets = Arc::new(MemoryStore::new());
    let keychain = Arc::new(KeychainSwitch::new(secrets.clone()));
    let ctx = WizardContext::with_config(
        profile.clone(),
        dir.path(),
        keychain.clone(),
        http,
        fast_tuning(),
    )
    .expect("context");
    let control = raw["sandbox"]["control"]
        .as_str()
        .expect("control url")
        .to_string();
    Env {
        sandbox: Some(sandbox),
        profile,
        raw,
        dir,
        secrets,
        keychain,
        ctx,
        progress: CollectProgress::default(),
        cancel: CancellationToken::new(),
        control,
        client: reqwest::Client::new(),
    }
}

/// A SecretStore in front of a [`MemoryStore`] that refuses, like a locked or missing OS
/// keychain, every entry whose key starts with a chosen prefix (`""` refuses all).
pub struct KeychainSwitch {
    inner: Arc<MemoryStore>,
    refused: Mutex<Option<String>>,
}

impl KeychainSwitch {
    /// A switch that refuses nothing until [`KeychainSwitch::refuse`] is called.
    pub fn new(inner: Arc<MemoryStore>) -> Self {
        Self {
            inner,
            refused: Mutex::new(None),
        }
    }

    /// Refuses keys starting with `prefix` from now on (`None`: the keychain works again).
    pub fn refuse(&self, prefix: Option<&str>) {
        *self.refused.lock().expect("switch") = prefix.map(str::to_string);
    }

    fn check(&self, key: &str, action: &str) -> Result<(), Problem> {
        match self.refused.lock().expect("switch").as_deref() {
            Some(prefix) if key.starts_with(prefix) => Err(Problem::secret_store(
                action,
                "The OS keychain is locked or has no default collection (the test switch refused it).",
                "Unlock the keychain, then try again. The app never falls back to a file.",
            )),
            _ => Ok(()),
        }
    }
}

impl SecretStore for KeychainSwitch {
    fn get(&self, key: &str) -> Result<Option<Secret>, Problem> {
        self.check(key, "Reading a secret from the OS keychain")?;
        self.inner.get(key)
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), Problem> {
        self.check(key, "Saving a secret in the OS keychain")?;
        self.inner.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), Problem> {
        self.check(key, "Removing a secret from the OS keychain")?;
        self.inner.delete(key)
    }

    fn describe(&self) -> &'static str {
        self.inner.describe()
    }
}

impl Env {
    pub fn fact(&self, name: &str) -> String {
        self.raw["sandbox"][name]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn sample_upns(&self) -> Vec<String> {
        self.raw["sandbox"]["sampleUserUpns"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn fault(&self, spec: &str) -> String {
        let response = self
            .client
            .post(format!("{}/faults", self.control))
            .json(&json!({ "spec": spec }))
            .send()
            .await
            .expect("control answers");
        assert!(
            response.status().is_success(),
            "fault {spec} accepted: {}",
            response.status()
        );
        let body: Value = response.json().await.expect("fault json");
        body["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| body["id"].to_string())
    }

    /// Runs the next sync cycle of every started job now and returns once it has finished (the
    /// sandbox's `run_cycles_now`): how many jobs cycled.
    pub async fn run_cycles_now(&self) -> usize {
        self.sandbox
            .as_ref()
            .expect("this test's own sandbox")
            .run_cycles_now()
            .await
    }

    pub async fn clear_faults(&self) {
        self.client
            .delete(format!("{}/faults", self.control))
            .send()
            .await
            .expect("control answers");
    }

    pub async fn state(&self) -> Value {
        self.client
            .get(format!("{}/state", self.control))
            .send()
            .await
            .expect("control answers")
            .json()
            .await
            .expect("state json")
    }

    /// Signs in to Microsoft the scripted way (auto-consent), optionally as another user or
    /// with fewer scopes, and returns a Graph client on that token.
    pub async fn graph_as(
        &self,
        login_hint: Option<&str>,
        scopes: Option<Vec<String>>,
    ) -> Result<GraphClient, Problem> {
        let mut endpoints = microsoft_endpoints(&self.profile, "organizations");
        if let Some(scopes) = scopes {
            endpoints.scopes = scopes;
        }
        let launcher = FollowRedirectsLauncher::new()?;
        let hint = login_hint
            .map(|h| vec![("login_hint", h)])
            .unwrap_or_default();
        let tokens = sign_in_with_browser(
            &self.ctx.http,
            &endpoints,
            &launcher,
            &hint,
            Duration::from_secs(10),
            &self.cancel,
        )
        .await?;
        Ok(GraphClient::new(
            self.ctx.http.clone(),
            self.profile.graph_base(),
            Arc::new(StaticToken(tokens.access_token)),
        ))
    }

    /// The engine's own Microsoft sign-in (refreshing session), as run_setup does it.
    pub async fn graph(&self) -> GraphClient {
        let launcher = FollowRedirectsLauncher::new().expect("launcher");
        let signed_in = scim_core::auth::sign_in_microsoft(
            &self.ctx.http,
            &self.profile,
            &scim_core::auth::MicrosoftTenant::Organizations,
            self.secrets.clone(),
            scim_core::auth::SignInMethod::Browser(&launcher),
            &self.cancel,
        )
        .await
        .expect("Microsoft sign-in");
        GraphClient::new(
            self.ctx.http.clone(),
            self.profile.graph_base(),
            signed_in.session,
        )
    }

    pub async fn unity(&self) -> UnityAdminClient {
        let launcher = FollowRedirectsLauncher::new().expect("launcher");
        let signed_in = scim_core::auth::sign_in_unity(
            &self.ctx.http,
            &self.profile,
            self.secrets.clone(),
            &launcher,
            &self.cancel,
        )
        .await
        .expect("Unity sign-in");
        assert!(unity_endpoints(&self.profile).is_ok());
        UnityAdminClient::new(
            self.ctx.http.clone(),
            &self.profile.unity.auth,
            &self.profile.unity.api,
            signed_in.session,
        )
    }

    /// Requests each simulated service has been sent so far (see `RequestCounts::since`).
    pub fn requests(&self) -> scim_sandbox::RequestCounts {
        self.sandbox
            .as_ref()
            .map(Sandbox::requests)
            .unwrap_or_default()
    }

    pub async fn shutdown(mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
    }
}

/// The whole set-up on the API road with the device-code sign-in, provisioning `provision`.
pub fn api_setup(provision: Vec<String>, protection: DeletionProtectionChoice) -> SetupOptions {
    SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision,
        protection,
    }
}

/// Runs the set-up and insists every step passed.
pub async fn setup(env: &Env, options: SetupOptions) -> SetupReport {
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let report = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert!(report.ok, "{:#?}", report.steps);
    report
}

/// The service principal and provisioning job the set-up journaled.
pub fn ids(env: &Env) -> (String, String) {
    let journal = env.ctx.journal.snapshot();
    (
        journal.entra.service_principal_id.expect("app"),
        journal.entra.job_id.expect("job"),
    )
}

pub async fn group_id(graph: &GraphClient, env: &Env, name: &str) -> String {
    graph
        .search_groups(name, 5, &env.cancel)
        .await
        .expect("groups")
        .into_iter()
        .find(|g| g.display_name.as_deref() == Some(name))
        .expect("the group exists")
        .id
}

/// The UPNs on the first page of a group's members.
pub async fn member_upns(graph: &GraphClient, env: &Env, group: &str) -> Vec<String> {
    graph
        .group_members(group)
        .next_page(&env.cancel)
        .await
        .expect("members")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.user_principal_name)
        .collect()
}

/// Assigns `group` to the set-up's app in the User role; returns the assignment's id.
pub async fn assign_group(env: &Env, graph: &GraphClient, group: &str) -> String {
    let (sp_id, _) = ids(env);
    graph
        .add_assignment(&sp_id, group, USER_ROLE_ID, &env.cancel)
        .await
        .expect("group assigned")
        .id
}

/// A large scope held still: the job's cycles paused (nothing provisions the group, so
/// Unity's state stays what the caller writes), then `group` assigned.
pub async fn pause_then_assign_group(env: &Env, graph: &GraphClient, group: &str) {
    let (sp_id, job_id) = ids(env);
    graph
        .pause_sync_job(&sp_id, &job_id, &env.cancel)
        .await
        .expect("pause");
    assign_group(env, graph, group).await;
}

/// Writes a user straight into the sandbox's Unity SCIM server.
pub async fn unity_user(env: &Env, user: Value) {
    let response = env
        .client
        .post(format!("{}/Users", env.fact("scimBaseUrl")))
        .bearer_auth(env.fact("scimBearerToken"))
        .header("content-type", "application/scim+json")
        .body(user.to_string())
        .send()
        .await
        .expect("Unity answers");
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        response.text().await
    );
}
