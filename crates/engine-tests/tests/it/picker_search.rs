//! The picker's search against a small in-test Graph that counts every call: the rows are
//! reported before any member is counted, and a newer search in the same slot aborts the
//! older one so it makes no further Graph calls (its remaining member counts are never sent).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use scim_core::auth::StaticToken;
use scim_core::entra::GraphClient;
use scim_core::http::{Http, HttpConfig};
use scim_core::progress::{FnProgress, NoProgress};
use scim_core::wizard::{search_directory, DirectorySearchEvent, SearchSlot};
use scim_core::{Problem, Secret};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// How many groups a search for "many" finds; the engine counts the first 20.
const GROUPS: usize = 25;

#[derive(Default)]
struct Graph {
    searches: AtomicUsize,
    counts: AtomicUsize,
    /// Set once the test has seen the rows: a count asked before that is refused.
    rows_seen: std::sync::atomic::AtomicBool,
    counts_asked_before_rows: AtomicUsize,
    /// Member counts wait for a permit when `hold_counts` is on.
    gate: Option<Semaphore>,
}

type Shared = Arc<Graph>;

/// `"displayName:many"` finds GROUPS groups and one user; anything else finds one user.
fn text_of(query: &std::collections::HashMap<String, String>) -> String {
    query.get("$search").cloned().unwrap_or_default()
}

async fn users(State(graph): State<Shared>) -> Json<Value> {
    graph.searches.fetch_add(1, Ordering::SeqCst);
    Json(json!({"@odata.count": 1, "value": [
        {"id": "u-1", "displayName": "Adele Vance", "userPrincipalName": "adele@contoso.com"}
    ]}))
}

async fn groups(
    State(graph): State<Shared>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Json<Value> {
    graph.searches.fetch_add(1, Ordering::SeqCst);
    let found: Vec<Value> = if text_of(&query).contains("many") {
        (0..GROUPS)
            .map(|i| json!({"id": format!("g-{i}"), "displayName": format!("Many {i}")}))
            .collect()
    } else {
        Vec::new()
    };
    Json(json!({"@odata.count": found.len(), "value": found}))
}

async fn members(
    State(graph): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, axum::http::StatusCode> {
    graph.counts.fetch_add(1, Ordering::SeqCst);
    if !graph.rows_seen.load(Ordering::SeqCst) {
        graph
            .counts_asked_before_rows
            .fetch_add(1, Ordering::SeqCst);
    }
    if let Some(gate) = &graph.gate {
        let _permit = gate.acquire().await;
    }
    let n: u64 = id.trim_start_matches("g-").parse().unwrap_or(0);
    Ok(Json(
        json!({"@odata.count": n + 1, "value": [{"id": "u-1"}]}),
    ))
}

async fn start(graph: Graph) -> (GraphClient, Shared) {
    let graph = Arc::new(graph);
    let router = Router::new()
        .route("/v1.0/users", get(users))
        .route("/v1.0/groups", get(groups))
        .route("/v1.0/groups/{id}/members", get(members))
        .with_state(graph.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let http = Http::new(HttpConfig::default()).expect("http");
    let client = GraphClient::new(http, &base, Arc::new(StaticToken(Secret::new("t"))));
    (client, graph)
}

/// A bound on waiting for the stub, so a broken engine fails instead of hanging. Not a
/// timing requirement: every step here takes milliseconds.
async fn within<T>(what: &str, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen"))
}

#[tokio::test]
async fn rows_are_reported_before_any_member_is_counted() {
    let (client, graph) = start(Graph::default()).await;
    let events = Mutex::new(Vec::new());
    let progress = FnProgress(|event: DirectorySearchEvent| {
        if matches!(event, DirectorySearchEvent::Found { .. }) {
            graph.rows_seen.store(true, Ordering::SeqCst);
        }
        events.lock().expect("events").push(event);
    });
    let cancel = CancellationToken::new();
    let rows = search_directory(&client, "many", Some(50), &progress, &cancel)
        .await
        .expect("search");

    assert_eq!(graph.counts_asked_before_rows.load(Ordering::SeqCst), 0);
    let events = events.into_inner().expect("events");
    let DirectorySearchEvent::Found { entries } = &events[0] else {
        panic!("the rows come first: {events:?}");
    };
    assert_eq!(entries.len(), GROUPS + 1, "the user and every group");
    assert!(
        entries.iter().all(|row| row.member_count.is_none()),
        "the rows are reported before any count: {entries:?}"
    );
    // Then the first 20 groups' counts, in the rows' order; the answer carries them too.
    let counted: Vec<(String, u32)> = events[1..]
        .iter()
        .map(|event| match event {
            DirectorySearchEvent::MemberCount {
                group_id,
                member_count,
            } => (group_id.clone(), *member_count),
            other => panic!("only counts after the rows: {other:?}"),
        })
        .collect();
    let expected: Vec<(String, u32)> = (0..20u32).map(|i| (format!("g-{i}"), i + 1)).collect();
    assert_eq!(counted, expected);
    assert_eq!(graph.counts.load(Ordering::SeqCst), 20);
    let row = rows.iter().find(|row| row.id == "g-3").expect("g-3");
    assert_eq!(row.member_count, Some(4));
    let row = rows.iter().find(|row| row.id == "g-22").expect("g-22");
    assert_eq!(row.member_count, None, "past the first 20: not counted");
}

#[tokio::test]
async fn a_newer_search_aborts_the_older_one_and_its_member_counts() {
    let (client, graph) = start(Graph {
        gate: Some(Semaphore::new(0)),
        ..Graph::default()
    })
    .await;
    let slot = Arc::new(SearchSlot::default());
    let cancel = CancellationToken::new();

    // The older search lists its rows, then its first four counts hang at the stub.
    let older = tokio::spawn({
        let (slot, client, cancel) = (slot.clone(), client.clone(), cancel.clone());
        async move {
            slot.run(search_directory(
                &client,
                "many",
                Some(50),
                &NoProgress,
                &cancel,
            ))
            .await
        }
    });
    within("four counts in flight", async {
        while graph.counts.load(Ordering::SeqCst) < 4 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert_eq!(graph.counts.load(Ordering::SeqCst), 4, "four at a time");

    // A newer search (no groups) replaces it: the older one ends, cancelled.
    let newer = slot
        .run(search_directory(
            &client,
            "adele",
            Some(50),
            &NoProgress,
            &cancel,
        ))
        .await
        .expect("the newer search");
    assert_eq!(newer.len(), 1);
    let older: Result<_, Problem> = within("the older search ends", older).await.expect("task");
    let problem = older.expect_err("the older search was aborted");
    assert_eq!(problem.kind_name(), "cancelled", "{problem:?}");

    // Its held counts may now answer: had the older search lived on, the rest of its 20
    // counts would follow. A third search, counted to its end, gives them the time to.
    graph.gate.as_ref().expect("gate").add_permits(1_000);
    let third = search_directory(&client, "many", Some(50), &NoProgress, &cancel)
        .await
        .expect("a third search");
    assert_eq!(third.len(), GROUPS + 1);
    assert_eq!(
        graph.counts.load(Ordering::SeqCst),
        4 + 20,
        "the older search's four, the third's twenty, nothing more"
    );
    assert_eq!(
        graph.searches.load(Ordering::SeqCst),
        6,
        "two $search calls per search"
    );
}
