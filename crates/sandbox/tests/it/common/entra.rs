//! The Entra admin of the provisioning tests: the Unity app's synchronization endpoints, driven
//! with a signed-in admin's token, as the portal and the app call them.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;

pub struct Entra {
    pub g: String,
    pub token: String,
    pub sp: String,
    pub http: reqwest::Client,
}

impl Entra {
    pub async fn new(profile: &Value) -> Self {
        let token = admin_token(profile).await;
        let g = graph(profile);
        let http = client();
        let list = json(
            http.get(format!(
                "{g}/servicePrincipals?$filter=displayName eq 'Unity'"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
        )
        .await;
        Self {
            sp: s(&list, "/value/0/id"),
            g,
            token,
            http,
        }
    }
    pub fn url(&self, rest: &str) -> String {
        format!(
            "{}/servicePrincipals/{}/synchronization{rest}",
            self.g, self.sp
        )
    }
    pub async fn post(&self, rest: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.url(rest))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("answers")
    }
    pub async fn get(&self, rest: &str) -> Value {
        json(
            self.http
                .get(self.url(rest))
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("answers"),
        )
        .await
    }
    pub async fn create_job(&self) -> String {
        let templates = self.get("/templates").await;
        assert_eq!(templates["value"][0]["id"], "scim");
        let r = self.post("/jobs", json!({"templateId": "scim"})).await;
        assert_eq!(r.status(), 201);
        let job = json(r).await;
        assert_eq!(job["status"]["code"], "NotConfigured");
        assert_eq!(job["schedule"]["state"], "Disabled");
        s(&job, "/id")
    }
    pub async fn validate(&self, job: &str, base: &str, token: &str) -> (u16, String) {
        let r = self.post(&format!("/jobs/{job}/validateCredentials"), json!({"credentials": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": token}]})).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (status, text)
    }
    pub async fn save_secrets(&self, base: &str, token: &str) {
        self.save_secrets_with(
            base,
            token,
            "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}",
            &[],
        )
        .await;
    }
    /// Saves the credentials with these notification settings (the deletion threshold) and
    /// any further keys (`SkipOutOfScopeDeletions`).
    pub async fn save_secrets_with(
        &self,
        base: &str,
        token: &str,
        notification_settings: &str,
        extra: &[(&str, &str)],
    ) {
        let mut value = vec![
            json!({"key": "BaseAddress", "value": base}),
            json!({"key": "SecretToken", "value": token}),
            json!({"key": "SyncNotificationSettings", "value": notification_settings}),
            json!({"key": "SyncAll", "value": "false"}),
        ];
        value.extend(extra.iter().map(|(k, v)| json!({"key": k, "value": v})));
        let r = self
            .http
            .put(self.url("/secrets"))
            .bearer_auth(&self.token)
            .json(&json!({ "value": value }))
            .send()
            .await
            .expect("answers");
        assert_eq!(r.status(), 204);
    }
    /// Assigns a user to the app with its `User` role; the assignment's id.
    pub async fn assign(&self, principal_id: &str) -> String {
        let r = self
            .http
            .post(format!(
                "{}/servicePrincipals/{}/appRoleAssignedTo",
                self.g, self.sp
            ))
            .bearer_auth(&self.token)
            .json(&json!({"principalId": principal_id, "resourceId": self.sp,
                "appRoleId": "18d14569-c3bd-439b-9a66-3a2aee01d14f"}))
            .send()
            .await
            .expect("answers");
        assert_eq!(r.status(), 201);
        s(&json(r).await, "/id")
    }
    pub async fn unassign(&self, assignment_id: &str) {
        let r = self
            .http
            .delete(format!(
                "{}/servicePrincipals/{}/appRoleAssignedTo/{assignment_id}",
                self.g, self.sp
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("answers");
        assert_eq!(r.status(), 204);
    }
    pub async fn on_demand(&self, job: &str, user_id: &str) -> reqwest::Response {
        let schema = self.get(&format!("/jobs/{job}/schema")).await;
        let rule = s(&schema, "/synchronizationRules/0/id");
        self.post(&format!("/jobs/{job}/provisionOnDemand"), json!({"parameters": [{"ruleId": rule, "subjects": [{"objectId": user_id, "objectTypeName": "User"}]}]})).await
    }
    pub async fn user_id(&self, upn: &str) -> String {
        s(
            &json(
                self.http
                    .get(format!("{}/users/{upn}", self.g))
                    .bearer_auth(&self.token)
                    .send()
                    .await
                    .expect("answers"),
            )
            .await,
            "/id",
        )
    }
    /// Runs the sandbox's cycles now, reading the job after each, until it reaches the expected
    /// state: at most four cycles (Entra quarantines after two failing ones, or four). The job.
    pub async fn cycle_until(
        &self,
        sb: &scim_sandbox::Sandbox,
        job: &str,
        what: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..4 {
            sb.run_cycles_now().await;
            let j = self.get(&format!("/jobs/{job}")).await;
            if what(&j) {
                return j;
            }
        }
        panic!(
            "job never reached the expected state in four cycles: {}",
            self.get(&format!("/jobs/{job}")).await
        );
    }

    /// Reads the job (every 100 ms, for at most 6 s) until it reaches the expected state: for
    /// what a background task does by itself, such as the schedule's cycle once it is due.
    pub async fn wait_for(&self, job: &str, what: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..60 {
            let j = self.get(&format!("/jobs/{job}")).await;
            if what(&j) {
                return j;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "job never reached the expected state: {}",
            self.get(&format!("/jobs/{job}")).await
        );
    }
}

pub fn verdict(reply: &Value) -> (Value, Value) {
    let key: Value = serde_json::from_str(&s(reply, "/key")).expect("key is a JSON string");
    let value: Value = serde_json::from_str(&s(reply, "/value")).expect("value is a JSON string");
    (key, value)
}
