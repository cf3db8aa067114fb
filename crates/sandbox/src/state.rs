//! The one shared state of a running sandbox. Each cloud keeps its own part behind its own
//! lock; locks are std mutexes held for short, synchronous sections only (never across await).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::faults::{ActiveFault, FaultKind};
use crate::{clock, graph, microsoft, requests, scim, seed, tokens, unity, SandboxConfig};

pub(crate) type SharedApp = Arc<App>;

#[derive(Debug, Clone)]
pub(crate) struct Urls {
    /// `http://127.0.0.1:P1`: Microsoft sign-in, Graph.
    pub microsoft: String,
    /// `http://127.0.0.1:P2`: Unity sign-in, admin, SCIM.
    pub unity: String,
    /// `https://127.0.0.1:P3`: the same Unity listener behind an untrusted certificate.
    pub unity_tls: String,
}

pub(crate) struct App {
    pub config: SandboxConfig,
    pub urls: Urls,
    pub dir: seed::Directory,
    pub signer: tokens::Signer,
    pub shutdown: CancellationToken,
    /// What the simulated Entra provisioning service calls SCIM endpoints with.
    pub http: reqwest::Client,
    token_seq: AtomicU64,
    fault_seq: AtomicU64,
    faults: Mutex<Vec<ActiveFault>>,
    pub ms: Mutex<microsoft::MsState>,
    pub graph: Mutex<graph::GraphState>,
    pub unity: Mutex<unity::UnityState>,
    pub scim: Mutex<scim::ScimStore>,
    /// Requests served per service (`Sandbox::requests`).
    pub requests: requests::RequestCounter,
    /// What every timer of the simulated clouds reads (`Sandbox::advance_clock`).
    pub clock: clock::Clock,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in one handler must not take the whole sandbox down with poisoned locks.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    pub fn new(config: SandboxConfig, urls: Urls, http: reqwest::Client) -> Self {
        let dir = seed::Directory::new(config.users);
        let clock = clock::Clock::default();
        let graph = graph::GraphState::seed(&dir, clock.now());
        let unity = unity::UnityState::seed();
        Self {
            config,
            urls,
            dir,
            signer: tokens::Signer::new(),
            shutdown: CancellationToken::new(),
            http,
            token_seq: AtomicU64::new(1),
            fault_seq: AtomicU64::new(1),
            faults: Mutex::new(Vec::new()),
            ms: Mutex::new(microsoft::MsState::default()),
            graph: Mutex::new(graph),
            unity: Mutex::new(unity),
            scim: Mutex::new(scim::ScimStore::default()),
            requests: requests::RequestCounter::default(),
            clock,
        }
    }

    pub fn lock_faults(&self) -> MutexGuard<'_, Vec<ActiveFault>> {
        lock(&self.faults)
    }
    pub fn ms(&self) -> MutexGuard<'_, microsoft::MsState> {
        lock(&self.ms)
    }
    pub fn graph(&self) -> MutexGuard<'_, graph::GraphState> {
        lock(&self.graph)
    }
    pub fn unity(&self) -> MutexGuard<'_, unity::UnityState> {
        lock(&self.unity)
    }
    pub fn scim(&self) -> MutexGuard<'_, scim::ScimStore> {
        lock(&self.scim)
    }

    /// Sequence number stamped on every issued access token (for `expire-tokens`).
    pub fn next_token_seq(&self) -> u64 {
        self.token_seq.fetch_add(1, Ordering::SeqCst)
    }

    /// Switches a fault on and returns its id.
    pub fn add_fault(&self, fault: crate::Fault) -> String {
        let id = format!("f{}", self.fault_seq.fetch_add(1, Ordering::SeqCst));
        // expire-tokens hits the tokens issued so far; new sign-ins and refreshes work again.
        let cutoff = self.token_seq.load(Ordering::SeqCst);
        let remaining = fault.times;
        self.lock_faults().push(ActiveFault {
            id: id.clone(),
            fault,
            remaining,
            cutoff,
        });
        id
    }

    pub fn remove_fault(&self, id: &str) -> bool {
        let mut book = self.lock_faults();
        let before = book.len();
        book.retain(|f| f.id != id);
        before != book.len()
    }

    pub fn clear_faults(&self) {
        self.lock_faults().clear();
    }

    fn routeless_active(&self, kind: &FaultKind) -> Option<u64> {
        self.lock_faults()
            .iter()
            .filter(|f| &f.fault.kind == kind)
            .map(|f| f.cutoff)
            .max()
    }

    /// Whether an access token issued with `seq` is expired by an `expire-tokens` fault.
    pub fn token_expired_by_fault(&self, seq: u64) -> bool {
        self.routeless_active(&FaultKind::ExpireTokens)
            .is_some_and(|cutoff| seq < cutoff)
    }

    pub fn drop_role_active(&self) -> bool {
        self.routeless_active(&FaultKind::DropRole).is_some()
    }

    pub fn quarantine_fault_active(&self) -> bool {
        self.routeless_active(&FaultKind::Quarantine).is_some()
    }

    pub fn active_faults_json(&self) -> Value {
        Value::Array(
            self.lock_faults()
                .iter()
                .map(|f| json!({"id": f.id, "kind": format!("{:?}", f.fault.kind), "route": f.fault.route, "remaining": f.remaining}))
                .collect(),
        )
    }

    pub fn scim_base_url(&self) -> String {
        format!("{}/scim/v2/tenants/{}", self.urls.unity, seed::UNITY_ORG_ID)
    }

    pub fn profile(&self) -> Value {
        let m = &self.urls.microsoft;
        let u = &self.urls.unity;
        let (working_token, roleless_token) = {
            let unity = self.unity();
            (
                unity.seeded_token.clone(),
                unity.seeded_roleless_token.clone(),
            )
        };
        let samples: Vec<String> = self.dir.sample_users().into_iter().map(|u| u.upn).collect();
        json!({
            "name": "sandbox",
            "microsoft": {"authority": m, "graph": format!("{m}/v1.0"), "clientId": seed::MS_CLIENT_ID},
            "unity": {"auth": u, "api": u, "scim": format!("{u}/scim/v2"), "clientId": seed::UNITY_CLIENT_ID},
            "sandbox": {
                "tenantId": seed::TENANT_ID,
                "adminUpn": seed::ADMIN_UPN,
                "unityOrgId": seed::UNITY_ORG_ID,
                "validatedDomain": seed::DOMAIN,
                "scimBaseUrl": self.scim_base_url(),
                "scimBearerToken": working_token,
                "sampleUserUpns": samples,
                "outOfScopeUserUpn": self.dir.out_of_scope_user().map(|u| u.upn),
                "control": format!("{m}/_sandbox"),
                "scimTlsBaseUrl": format!("{}/scim/v2/tenants/{}", self.urls.unity_tls, seed::UNITY_ORG_ID),
                "unityAdminEmail": unity::ADMIN_EMAIL,
                "adminWithoutRoleUpn": seed::NO_ROLE_UPN,
                "enterpriseAppName": graph::UNITY_APP_NAME,
                "scimTokenWithoutRole": roleless_token,
                "pendingDomain": seed::OTHER_DOMAIN,
                "userCount": self.dir.total(),
            }
        })
    }
}
