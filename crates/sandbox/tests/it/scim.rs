//! The Unity SCIM server as Entra and strict compliance checkers call it (RFC 7643/7644,
//! <https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>).

use crate::common::*;
use serde_json::{json, Value};

struct Scim {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Scim {
    fn new(profile: &Value) -> Self {
        Self {
            base: s(profile, "/sandbox/scimBaseUrl"),
            token: s(profile, "/sandbox/scimBearerToken"),
            http: client(),
        }
    }
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r
                .header("content-type", "application/scim+json")
                .body(b.to_string());
        }
        r.send().await.expect("SCIM answers")
    }
    async fn create_user(&self, user_name: &str) -> Value {
        let r = self
            .send(reqwest::Method::POST, "/Users", Some(entra_user(user_name)))
            .await;
        assert_eq!(r.status(), 201);
        json(r).await
    }
}

fn entra_user(user_name: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": user_name, "active": true,
        "emails": [{"primary": true, "type": "work", "value": user_name}], "meta": {"resourceType": "User"},
        "name": {"formatted": "Test User", "familyName": "User", "givenName": "Test"}, "roles": []})
}

fn assert_error(body: &Value, status: &str) {
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(body["status"], json!(status), "status is a string: {body}");
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn test_connection_query_answers_an_empty_list_response() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    let r = scim
        .send(
            reqwest::Method::GET,
            "/Users?filter=userName+eq+%220e0f4a4c-3a1a-4a6e-9a51-2b8d3c1e2f00%22",
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/scim+json");
    let body = json(r).await;
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(body["totalResults"], 0);
    assert_eq!(body["Resources"], json!([]));
    let groups = scim
        .send(
            reqwest::Method::GET,
            "/Groups?excludedAttributes=members&filter=displayName+eq+%22x%22",
            None,
        )
        .await;
    assert_eq!(groups.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn user_lifecycle_in_both_patch_dialects() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    let created = scim.create_user("Test.User@contoso.com").await;
    let id = s(&created, "/id");
    assert_eq!(created["meta"]["version"], "W/\"1\"");
    assert_eq!(created["meta"]["resourceType"], "User");

    let dup = scim
        .send(
            reqwest::Method::POST,
            "/Users",
            Some(entra_user("test.user@CONTOSO.com")),
        )
        .await;
    assert_eq!(dup.status(), 409);
    let dup = json(dup).await;
    assert_error(&dup, "409");
    assert_eq!(dup["scimType"], "uniqueness");

    let found = json(
        scim.send(
            reqwest::Method::GET,
            "/Users?filter=userName%20eq%20%22TEST.USER@contoso.com%22",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        found["totalResults"], 1,
        "userName matching is case-insensitive"
    );

    let legacy = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "changed@contoso.com"},
        {"op": "Replace", "path": "active", "value": "False"}]});
    let r = scim
        .send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(legacy),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "W/\"2\"");
    let after = json(r).await;
    assert_eq!(
        after["active"],
        json!(false),
        "legacy \"False\" is stored as a boolean"
    );
    assert_eq!(after["emails"][0]["value"], "changed@contoso.com");

    let compliant = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "replace", "value": {"active": true, "name.givenName": "Renamed", "displayName": "Renamed User"}}]});
    let after = json(
        scim.send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(compliant),
        )
        .await,
    )
    .await;
    assert_eq!(after["active"], json!(true));
    assert_eq!(after["name"]["givenName"], "Renamed");

    let cached = scim
        .http
        .get(format!("{}/Users/{id}", scim.base))
        .bearer_auth(&scim.token)
        .header("if-none-match", "W/\"3\"")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        cached.status(),
        304,
        "If-None-Match with the current version"
    );
    let stale = scim
        .http
        .put(format!("{}/Users/{id}", scim.base))
        .bearer_auth(&scim.token)
        .header("if-match", "W/\"1\"")
        .header("content-type", "application/scim+json")
        .body(entra_user("test.user@contoso.com").to_string())
        .send()
        .await
        .expect("answers");
    assert_eq!(stale.status(), 412);

    let gone = scim
        .send(reqwest::Method::DELETE, &format!("/Users/{id}"), None)
        .await;
    assert_eq!(gone.status(), 204);
    let missing = scim
        .send(reqwest::Method::GET, &format!("/Users/{id}"), None)
        .await;
    assert_eq!(missing.status(), 404);
    assert_error(&json(missing).await, "404");
    sb.shutdown().await;
}

#[tokio::test]
async fn groups_with_members_in_both_removal_shapes() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    let a = s(&scim.create_user("a@contoso.com").await, "/id");
    let b = s(&scim.create_user("b@contoso.com").await, "/id");
    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "g1", "displayName": "Unity Pilot", "members": []});
    let r = scim
        .send(reqwest::Method::POST, "/Groups", Some(group.clone()))
        .await;
    assert_eq!(r.status(), 201);
    let gid = s(&json(r).await, "/id");
    assert_eq!(
        scim.send(reqwest::Method::POST, "/Groups", Some(group))
            .await
            .status(),
        409
    );
    let add = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Add", "path": "members", "value": [{"$ref": null, "value": a}, {"$ref": null, "value": b}]}]});
    assert_eq!(
        scim.send(reqwest::Method::PATCH, &format!("/Groups/{gid}"), Some(add))
            .await
            .status(),
        204
    );
    let legacy_remove = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"$ref": null, "value": a}]}]});
    assert_eq!(
        scim.send(
            reqwest::Method::PATCH,
            &format!("/Groups/{gid}"),
            Some(legacy_remove)
        )
        .await
        .status(),
        204
    );
    let g = json(
        scim.send(reqwest::Method::GET, &format!("/Groups/{gid}"), None)
            .await,
    )
    .await;
    assert_eq!(g["members"].as_array().map(Vec::len), Some(1));
    let compliant_remove = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "remove", "path": format!("members[value eq \"{b}\"]")}]});
    assert_eq!(
        scim.send(
            reqwest::Method::PATCH,
            &format!("/Groups/{gid}"),
            Some(compliant_remove)
        )
        .await
        .status(),
        204
    );
    let listed = json(
        scim.send(
            reqwest::Method::GET,
            "/Groups?excludedAttributes=members&filter=displayName+eq+%22unity+pilot%22",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed["totalResults"], 1);
    assert!(
        listed["Resources"][0].get("members").is_none(),
        "excludedAttributes=members drops members"
    );
    let bad_member = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": "not-a-user"}]}]});
    assert_eq!(
        scim.send(
            reqwest::Method::PATCH,
            &format!("/Groups/{gid}"),
            Some(bad_member)
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        scim.send(reqwest::Method::DELETE, &format!("/Groups/{gid}"), None)
            .await
            .status(),
        204
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn unity_rules_and_auth_errors() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    let outside = scim
        .send(
            reqwest::Method::POST,
            "/Users",
            Some(entra_user("someone@fabrikam.com")),
        )
        .await;
    assert_eq!(outside.status(), 400);
    let body = json(outside).await;
    assert_error(&body, "400");
    assert!(
        s(&body, "/detail").contains("not a validated domain"),
        "{body}"
    );

    let http = client();
    let no_token = http
        .get(format!("{}/Users", scim.base))
        .send()
        .await
        .expect("answers");
    assert_eq!(no_token.status(), 401);
    assert_error(&json(no_token).await, "401");
    let wrong = http
        .get(format!("{}/Users", scim.base))
        .bearer_auth("nope")
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 401);
    let roleless = http
        .get(format!("{}/Users", scim.base))
        .bearer_auth(s(&profile, "/sandbox/scimTokenWithoutRole"))
        .send()
        .await
        .expect("answers");
    assert_eq!(roleless.status(), 403);
    assert_error(&json(roleless).await, "403");
    let unknown_org = http
        .get(format!(
            "{}/scim/v2/tenants/999/Users",
            s(&profile, "/unity/api")
        ))
        .bearer_auth(&scim.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(unknown_org.status(), 404);
    let no_tenant = http
        .get(format!("{}/Users", s(&profile, "/unity/scim")))
        .bearer_auth(&scim.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(no_tenant.status(), 404);
    assert_error(&json(no_tenant).await, "404");
    let bad_filter = scim
        .send(
            reqwest::Method::GET,
            "/Users?filter=userName+zz+%22x%22",
            None,
        )
        .await;
    assert_eq!(bad_filter.status(), 400);
    assert_eq!(json(bad_filter).await["scimType"], "invalidFilter");
    sb.shutdown().await;
}

#[tokio::test]
async fn pagination_filters_and_discovery() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    for i in 0..5 {
        scim.create_user(&format!("page{i}@contoso.com")).await;
    }
    let page = json(
        scim.send(reqwest::Method::GET, "/Users?startIndex=2&count=2", None)
            .await,
    )
    .await;
    assert_eq!(
        (
            page["totalResults"].as_u64(),
            page["startIndex"].as_u64(),
            page["itemsPerPage"].as_u64()
        ),
        (Some(5), Some(2), Some(2))
    );
    assert_eq!(s(&page, "/Resources/0/userName"), "page1@contoso.com");
    let zero = json(
        scim.send(reqwest::Method::GET, "/Users?count=0", None)
            .await,
    )
    .await;
    assert_eq!(
        (zero["totalResults"].as_u64(), zero["itemsPerPage"].as_u64()),
        (Some(5), Some(0))
    );
    for (filter, expected) in [
        ("userName sw \"page\" and userName ew \"3@contoso.com\"", 1),
        (
            "userName eq \"page1@contoso.com\" or userName eq \"page2@contoso.com\"",
            2,
        ),
        ("userName co \"age\"", 5),
        ("name.givenName pr", 5),
        ("not (userName eq \"page0@contoso.com\")", 4),
    ] {
        let url = format!(
            "{}/Users?filter={}",
            scim.base,
            url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
        );
        let body = json(
            scim.http
                .get(url)
                .bearer_auth(&scim.token)
                .send()
                .await
                .expect("answers"),
        )
        .await;
        assert_eq!(body["totalResults"], expected, "{filter}");
    }
    let spc = json(
        scim.send(reqwest::Method::GET, "/ServiceProviderConfig", None)
            .await,
    )
    .await;
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["etag"]["supported"], true);
    let types = json(
        scim.send(reqwest::Method::GET, "/ResourceTypes", None)
            .await,
    )
    .await;
    assert_eq!(types["totalResults"], 2);
    let schemas = json(scim.send(reqwest::Method::GET, "/Schemas", None).await).await;
    assert_eq!(schemas["totalResults"], 3);
    let user_schema = scim
        .send(
            reqwest::Method::GET,
            "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
            None,
        )
        .await;
    assert_eq!(user_schema.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn same_scim_server_over_untrusted_tls() {
    let (sb, profile) = sandbox().await;
    let tls_base = s(&profile, "/sandbox/scimTlsBaseUrl");
    assert!(tls_base.starts_with("https://127.0.0.1:"));
    let verifying = client()
        .get(format!("{tls_base}/Users"))
        .bearer_auth(s(&profile, "/sandbox/scimBearerToken"))
        .send()
        .await;
    assert!(
        verifying.is_err(),
        "a verifying client must reject the self-signed certificate"
    );
    let trusting = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client");
    let r = trusting
        .get(format!("{tls_base}/Users"))
        .bearer_auth(s(&profile, "/sandbox/scimBearerToken"))
        .send()
        .await
        .expect("answers over TLS");
    assert_eq!(r.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn search_extension_schemas_and_rfc_only_mode() {
    let (sb, profile) = sandbox().await;
    let scim = Scim::new(&profile);
    let id = s(&scim.create_user("ext@contoso.com").await, "/id");
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "value": {"employeeNumber": "42"}}]});
    let after = json(
        scim.send(reqwest::Method::PATCH, &format!("/Users/{id}"), Some(patch))
            .await,
    )
    .await;
    assert!(after["schemas"]
        .as_array()
        .is_some_and(|s| s.contains(&json!(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ))));
    let remove = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]});
    let after = json(
        scim.send(
            reqwest::Method::PATCH,
            &format!("/Users/{id}"),
            Some(remove),
        )
        .await,
    )
    .await;
    assert_eq!(
        after["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"]),
        "the extension URN leaves with its attributes"
    );

    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName sw \"ext\"", "attributes": ["userName"], "count": 10});
    let found = json(
        scim.send(
            reqwest::Method::POST,
            "/Users/.search",
            Some(search.clone()),
        )
        .await,
    )
    .await;
    assert_eq!(found["totalResults"], 1);
    assert!(found["Resources"][0].get("emails").is_none());
    assert_eq!(
        json(
            scim.send(reqwest::Method::POST, "/.search", Some(search))
                .await
        )
        .await["totalResults"],
        1
    );

    // Third-party compliance tools send random domains: Unity's rules can be switched off.
    let control = s(&profile, "/sandbox/control");
    let off = client()
        .put(format!("{control}/scim"))
        .json(&json!({"unityRules": false}))
        .send()
        .await
        .expect("answers");
    assert_eq!(off.status(), 204);
    assert_eq!(
        scim.send(
            reqwest::Method::POST,
            "/Users",
            Some(entra_user("random@example.test"))
        )
        .await
        .status(),
        201
    );
    client()
        .put(format!("{control}/scim"))
        .json(&json!({"unityRules": true}))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        scim.send(
            reqwest::Method::POST,
            "/Users",
            Some(entra_user("other@example.test"))
        )
        .await
        .status(),
        400
    );
    sb.shutdown().await;
}
