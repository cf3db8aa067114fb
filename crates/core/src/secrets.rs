//! Where secrets live: the OS keychain behind a `SecretStore` trait, an in-memory store for
//! tests. There is deliberately no file fallback: with no keychain the app stops and says how
//! to get one, because a token in a plaintext file is a leak waiting for a backup.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::problem::Problem;
use crate::secret::Secret;

/// The keychain service name every entry is filed under.
pub const KEYCHAIN_SERVICE: &str = "scim-setup";

/// Selects the store; `memory` is for scripted and test runs only (secrets die with the
/// process). The choice is explicit, never a silent fallback.
pub const SECRET_STORE_ENV: &str = "SCIM_SETUP_SECRET_STORE";

/// Keychain access. Calls may block briefly (D-Bus round trips of ~200 ms on Linux).
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>, Problem>;
    fn set(&self, key: &str, value: &Secret) -> Result<(), Problem>;
    fn delete(&self, key: &str) -> Result<(), Problem>;
    /// Plain words for reports: "the OS keychain", "memory (this run only)".
    fn describe(&self) -> &'static str;
}

/// Keys of the entries the engine writes; one place so nothing collides.
pub mod keys {
    /// The Microsoft refresh token for a sign-in authority and client.
    pub fn microsoft_refresh(authority: &str, client_id: &str) -> String {
        format!("microsoft-refresh:{authority}:{client_id}")
    }

    pub fn unity_refresh(auth: &str, client_id: &str) -> String {
        format!("unity-refresh:{auth}:{client_id}")
    }

    /// The long-lived SCIM bearer token of a Unity service account.
    pub fn unity_scim_token(org_id: &str, service_account_id: &str) -> String {
        format!("unity-scim-token:{org_id}:{service_account_id}")
    }

    /// A token pasted on the guided road, filed under the connector URL it belongs to.
    pub fn pasted_scim_token(scim_url: &str) -> String {
        format!("scim-token:{scim_url}")
    }
}

/// The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
#[derive(Debug, Default)]
pub struct KeyringStore;

impl KeyringStore {
    pub fn new() -> Self {
        Self
    }

    fn entry(&self, key: &str, action: &str) -> Result<keyring::Entry, Problem> {
        keyring::Entry::new(KEYCHAIN_SERVICE, key).map_err(|err| keyring_problem(action, err))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, Problem> {
        let action = "Reading a secret from the OS keychain";
        match self.entry(key, action)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keyring_problem(action, err)),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), Problem> {
        let action = "Saving a secret in the OS keychain";
        self.entry(key, action)?
            .set_password(value.expose())
            .map_err(|err| keyring_problem(action, err))
    }

    fn delete(&self, key: &str) -> Result<(), Problem> {
        let action = "Removing a secret from the OS keychain";
        match self.entry(key, action)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keyring_problem(action, err)),
        }
    }

    fn describe(&self) -> &'static str {
        "the OS keychain"
    }
}

/// Maps keyring failures to words. The error text is the platform's (D-Bus), never the secret.
fn keyring_problem(action: &str, err: keyring::Error) -> Problem {
    let fix = if cfg!(target_os = "linux") {
        "Install and unlock a Secret Service provider: e.g. `sudo apt install gnome-keyring`, \
         then log in to a desktop session (or run `gnome-keyring-daemon --unlock --components=secrets` \
         inside a D-Bus session). KeePassXC with Secret Service integration works too. \
         The app never falls back to storing tokens in a file."
    } else {
        "Unlock the system keychain and allow scim-setup to use it, then try again."
    };
    match err {
        keyring::Error::PlatformFailure(inner) => Problem::secret_store(
            action,
            format!("No usable OS keychain (Secret Service) was found: {inner}."),
            fix,
        ),
        keyring::Error::NoStorageAccess(inner) => Problem::secret_store(
            action,
            format!("The OS keychain is locked or has no default collection: {inner}."),
            fix,
        ),
        other => Problem::secret_store(action, format!("The OS keychain refused: {other}."), fix),
    }
}

/// Secrets held in this process only. For tests and `SCIM_SETUP_SECRET_STORE=memory` runs.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Keys present, for tests that check what was stored.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, Problem> {
        Ok(self.lock().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), Problem> {
        self.lock().insert(key.to_string(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), Problem> {
        self.lock().remove(key);
        Ok(())
    }

    fn describe(&self) -> &'static str {
        "memory (this run only)"
    }
}

/// The store the app and CLI use: the OS keychain, unless `SCIM_SETUP_SECRET_STORE=memory`
/// asks explicitly for the in-memory store (scripts and tests; nothing outlives the process).
pub fn secret_store_from_env() -> Result<Box<dyn SecretStore>, Problem> {
    match std::env::var(SECRET_STORE_ENV).ok().as_deref().map(str::trim) {
        None | Some("") | Some("keyring") | Some("keychain") => Ok(Box::new(KeyringStore::new())),
        Some("memory") => {
            tracing::warn!("{SECRET_STORE_ENV}=memory: secrets are kept for this run only");
            Ok(Box::new(MemoryStore::new()))
        }
        Some(other) => Err(Problem::bad_input(
            "Choosing where secrets are kept",
            format!("{SECRET_STORE_ENV} is {other:?}, which is not a known store."),
            format!("Unset {SECRET_STORE_ENV} to use the OS keychain, or set it to `memory` for a scripted run."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built without its platform feature, keyring falls back to an in-memory mock and the
    /// app would say "the OS keychain" while tokens vanish at exit. Nothing is stored here:
    /// building an entry touches no keychain.
    #[test]
    fn the_real_store_is_not_the_mock() {
        let persistence = keyring::default::default_credential_builder().persistence();
        assert!(
            matches!(
                persistence,
                keyring::credential::CredentialPersistence::UntilDelete
            ),
            "the keychain backend of this target keeps secrets until deleted, not per entry"
        );
        let entry = keyring::Entry::new(KEYCHAIN_SERVICE, "mock-check").expect("an entry");
        assert!(
            entry
                .get_credential()
                .downcast_ref::<keyring::mock::MockCredential>()
                .is_none(),
            "KeyringStore resolves to keyring's mock credential store"
        );
    }

    #[test]
    fn memory_store_round_trips_and_deletes() {
        let store = MemoryStore::new();
        assert!(store.get("k").expect("get").is_none());
        store.set("k", &Secret::new("value-1234")).expect("set");
        assert_eq!(
            store.get("k").expect("get"),
            Some(Secret::new("value-1234"))
        );
        store.delete("k").expect("delete");
        store.delete("k").expect("deleting twice is fine");
        assert!(store.get("k").expect("get").is_none());
    }

    #[test]
    fn keychain_problems_name_the_secret_service_fix() {
        let problem = keyring_problem(
            "Saving a secret in the OS keychain",
            keyring::Error::PlatformFailure("Unable to autolaunch a dbus-daemon".into()),
        );
        assert_eq!(problem.kind_name(), "secretStore");
        assert!(problem.info().fix.contains("gnome-keyring"), "{problem}");
        assert!(problem.info().fix.contains("never falls back"), "{problem}");
    }
}
