//! Microsoft Graph contract: directory reads, paging, $search rules, scopes, correlation headers,
//! service principals, instantiate, app role assignments.

use crate::common::*;
use serde_json::{json, Value};

async fn get(token: &str, url: &str, eventual: bool) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut r = client()
        .get(url)
        .bearer_auth(token)
        .header("client-request-id", "11111111-2222-3333-4444-555555555555");
    if eventual {
        r = r.header("ConsistencyLevel", "eventual");
    }
    let r = r.send().await.expect("answers");
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, json(r).await)
}

#[tokio::test]
async fn users_page_filter_search_select_and_count() {
    let (sb, profile) = sandbox().await;
    let token = admin_token(&profile).await;
    let g = graph(&profile);
    let (status, headers, page) = get(&token, &format!("{g}/users?$top=20"), false).await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("request-id"));
    assert_eq!(
        headers["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert_eq!(page["value"].as_array().map(Vec::len), Some(20));
    let mut seen = 20;
    let mut next = page["@odata.nextLink"].as_str().map(str::to_string);
    while let Some(link) = next {
        let (_, _, p) = get(&token, &link, false).await;
        seen += p["value"].as_array().map(Vec::len).unwrap_or(0);
        next = p["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(seen, 52, "50 users + 2 admins, each once");

    let (_, _, f) = get(
        &token,
        &format!("{g}/users?$filter=startswith(displayName,'ann')&$select=id,displayName"),
        false,
    )
    .await;
    let names: Vec<&str> = f["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|u| u["displayName"].as_str())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with("Ann")),
        "{names:?}"
    );
    assert!(
        f["value"][0].get("userPrincipalName").is_none(),
        "$select limits properties"
    );

    let (status, _, err) = get(
        &token,
        &format!("{g}/users?$search=%22displayName:ann%22"),
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "Request_UnsupportedQuery");
    assert_eq!(
        err["error"]["innerError"]["client-request-id"],
        "11111111-2222-3333-4444-555555555555"
    );
    let (status, _, found) = get(
        &token,
        &format!("{g}/users?$search=%22displayName:ann%22&$count=true"),
        true,
    )
    .await;
    assert_eq!(status, 200);
    assert!(found["@odata.count"].as_u64().is_some_and(|n| n > 0));
    let (status, _, err) = get(&token, &format!("{g}/users?$top=1000"), false).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("Request_BadRequest"))
    );
    let (status, _, err) = get(&token, &format!("{g}/nothingHere"), false).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
    let upn = s(&profile, "/sandbox/sampleUserUpns/0");
    let (status, _, u) = get(&token, &format!("{g}/users/{upn}"), false).await;
    assert_eq!(
        (status, u["userPrincipalName"].as_str()),
        (200, Some(upn.as_str()))
    );
    let (status, _, me) = get(&token, &format!("{g}/me"), false).await;
    assert_eq!(
        (status, me["userPrincipalName"].as_str()),
        (200, Some("admin@contoso.com"))
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn groups_and_members_with_odata_type() {
    let (sb, profile) = sandbox().await;
    let token = admin_token(&profile).await;
    let g = graph(&profile);
    let (_, _, groups) = get(
        &token,
        &format!("{g}/groups?$filter=displayName eq 'Unity Pilot'"),
        false,
    )
    .await;
    let id = s(&groups, "/value/0/id");
    let (_, _, members) = get(&token, &format!("{g}/groups/{id}/members?$top=3"), false).await;
    assert_eq!(members["value"][0]["@odata.type"], "#microsoft.graph.user");
    assert!(members["@odata.nextLink"].is_string());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_users_direct_groups_with_member_of() {
    let (sb, profile) = sandbox().await;
    let token = admin_token(&profile).await;
    let g = graph(&profile);
    let names = |page: &Value| -> Vec<String> {
        page["value"]
            .as_array()
            .expect("value")
            .iter()
            .filter_map(|v| v["displayName"].as_str().map(str::to_string))
            .collect()
    };
    // The second sample user is assigned directly and through the Unity Pilot group.
    let upn = s(&profile, "/sandbox/sampleUserUpns/1");
    let (status, _, page) = get(
        &token,
        &format!("{g}/users/{upn}/memberOf?$select=id,displayName"),
        false,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["value"][0]["@odata.type"], "#microsoft.graph.group");
    assert!(page["value"][0]["mail"].is_null(), "$select applies");
    assert_eq!(names(&page), ["Unity Artists", "Unity Pilot"]);
    // The out-of-scope user's one group is not assigned to the app; the cast reads the same.
    let upn = s(&profile, "/sandbox/outOfScopeUserUpn");
    let (_, _, page) = get(
        &token,
        &format!("{g}/users/{upn}/memberOf/microsoft.graph.group?$select=id,displayName&$top=999"),
        false,
    )
    .await;
    assert_eq!(names(&page), ["Finance"]);
    let (status, _, _) = get(
        &token,
        &format!("{g}/users/nobody@contoso.com/memberOf"),
        false,
    )
    .await;
    assert_eq!(status, 404);
    sb.shutdown().await;
}

#[tokio::test]
async fn scopes_roles_and_expired_tokens_are_enforced() {
    let (sb, profile) = sandbox().await;
    let g = graph(&profile);
    let basic = s(
        &ms_sign_in(
            &profile,
            "openid https://graph.microsoft.com/User.ReadBasic.All",
            "",
        )
        .await,
        "/access_token",
    );
    let (status, _, body) = get(&basic, &format!("{g}/servicePrincipals"), false).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("Authorization_RequestDenied"))
    );
    let helpdesk = s(
        &ms_sign_in(&profile, ALL_SCOPES, "helpdesk@contoso.com").await,
        "/access_token",
    );
    let sp = s(
        &get(
            &helpdesk,
            &format!("{g}/servicePrincipals?$filter=displayName eq 'Unity'"),
            false,
        )
        .await
        .2,
        "/value/0/id",
    );
    let (status, _, _) = get(
        &helpdesk,
        &format!("{g}/servicePrincipals/{sp}/synchronization/jobs"),
        false,
    )
    .await;
    assert_eq!(status, 403, "sync APIs need an admin directory role");
    let (status, headers, body) = get("not-a-token", &format!("{g}/me"), false).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("InvalidAuthenticationToken"))
    );
    assert!(headers.contains_key("www-authenticate"));
    sb.shutdown().await;
}

#[tokio::test]
async fn service_principals_instantiate_and_assignments() {
    let (sb, profile) = sandbox().await;
    let token = admin_token(&profile).await;
    let g = graph(&profile);
    let http = client();
    let (_, _, list) = get(&token, &format!("{g}/servicePrincipals?$filter=displayName eq 'Unity'&$select=id,appId,displayName,appRoles,preferredSingleSignOnMode,applicationTemplateId"), false).await;
    assert_eq!(list["value"].as_array().map(Vec::len), Some(1));
    let unity = &list["value"][0];
    assert_eq!(unity["preferredSingleSignOnMode"], "saml");
    let user_role = unity["appRoles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["displayName"] == "User")
        .expect("a User role")["id"]
        .clone();
    let (_, _, search) = get(
        &token,
        &format!("{g}/servicePrincipals?$search=%22displayName:unity%22"),
        true,
    )
    .await;
    assert!(
        search["value"].as_array().map(Vec::len).unwrap_or(0) >= 3,
        "namesakes are found too"
    );

    let r = http
        .post(format!(
            "{g}/applicationTemplates/8adf8e6e-67b2-4cf2-a259-e3dc5476c621/instantiate"
        ))
        .bearer_auth(&token)
        .json(&json!({"displayName": "Unity SCIM"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 201);
    let created = json(r).await;
    let new_sp = s(&created, "/servicePrincipal/id");
    assert!(created["application"]["appId"].is_string());
    let (status, _, _) = get(&token, &format!("{g}/servicePrincipals/{new_sp}"), false).await;
    assert_eq!(status, 404, "a just-created app is still replicating");
    let early = http
        .post(format!(
            "{g}/servicePrincipals/{new_sp}/synchronization/jobs"
        ))
        .bearer_auth(&token)
        .json(&json!({"templateId": "scim"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        early.status(),
        401,
        "the provisioning back end has not caught up yet"
    );
    let (_, _, templates) = get(
        &token,
        &format!("{g}/servicePrincipals/{new_sp}/synchronization/templates"),
        false,
    )
    .await;
    assert_eq!(templates["value"], json!([]));
    // Replication finishes as time passes on the sandbox's clock.
    sb.advance_clock(std::time::Duration::from_millis(1100));
    let later = http
        .post(format!(
            "{g}/servicePrincipals/{new_sp}/synchronization/jobs"
        ))
        .bearer_auth(&token)
        .json(&json!({"templateId": "scim"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        later.status(),
        201,
        "after replication the job can be created"
    );

    let by_app_id = client()
        .get(format!(
            "{g}/servicePrincipals(appId='{}')",
            s(unity, "/appId")
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(by_app_id.status(), 200);
    assert_eq!(json(by_app_id).await["id"], unity["id"]);
    let sp = s(unity, "/id");
    let (_, _, assigned) = get(
        &token,
        &format!("{g}/servicePrincipals/{sp}/appRoleAssignedTo?$top=2"),
        false,
    )
    .await;
    assert_eq!(assigned["value"].as_array().map(Vec::len), Some(2));
    assert!(
        assigned["@odata.nextLink"].is_string(),
        "three seeded assignments, pages of two"
    );
    let (_, _, users) = get(
        &token,
        &format!("{g}/users?$filter=startswith(displayName,'Zoe')&$top=1"),
        false,
    )
    .await;
    let principal = s(&users, "/value/0/id");
    let body = json!({"principalId": principal, "resourceId": sp, "appRoleId": user_role});
    let r = http
        .post(format!("{g}/servicePrincipals/{sp}/appRoleAssignedTo"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 201);
    let a = json(r).await;
    assert_eq!(
        (
            a["principalType"].as_str(),
            a["resourceDisplayName"].as_str()
        ),
        (Some("User"), Some("Unity"))
    );
    let dup = http
        .post(format!("{g}/servicePrincipals/{sp}/appRoleAssignedTo"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("answers");
    assert_eq!(dup.status(), 400);
    let del = http
        .delete(format!(
            "{g}/servicePrincipals/{sp}/appRoleAssignedTo/{}",
            s(&a, "/id")
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(del.status(), 204);
    let state = state(&profile).await;
    assert_eq!(
        (
            state["servicePrincipals"].as_u64(),
            state["appRoleAssignments"].as_u64()
        ),
        (Some(4), Some(3))
    );
    sb.shutdown().await;
}
