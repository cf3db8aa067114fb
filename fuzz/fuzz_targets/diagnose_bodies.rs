//! SCIM answers as Diagnose reads them: a real `diagnose` run against a tiny loopback server
//! that answers each of Entra's calls with fuzzed status, content type and body
//! (ServiceProviderConfig, ResourceTypes, Schemas, the Test Connection filter, Groups, the
//! paged list, an unknown id, a call without a token). Bodies may echo the token (`$TOKEN`):
//! the report must never hold it.
//!
//! Input: sections separated by a NUL byte, in the slot order below; each section is
//! `STATUS CONTENT-TYPE\nBODY` (a section that does not start so is a 200 SCIM body).
#![no_main]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use scim_core::diagnose::{diagnose, DiagnoseRequest};
use scim_core::progress::NoProgress;
use scim_core::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "fuzz-secret-token-6f1d2c3b4a59";

#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

type Answers = Arc<Mutex<Vec<Answer>>>;

struct Server {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    answers: Answers,
}

fn slot(request_line: &str, has_token: bool) -> usize {
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !has_token {
        8
    } else if path.ends_with("/ServiceProviderConfig") {
        0
    } else if path.ends_with("/ResourceTypes") {
        1
    } else if path.ends_with("/Schemas") {
        2
    } else if path.ends_with("/Users") && query.contains("filter") {
        3
    } else if path.ends_with("/Groups") {
        4
    } else if path.ends_with("/Users") && query.contains("startIndex") {
        5
    } else if path.ends_with("/Users") {
        6
    } else {
        7
    }
}

async fn serve(mut stream: tokio::net::TcpStream, answers: Answers) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let has_token = head.to_ascii_lowercase().contains("authorization: bearer");
    let index = slot(head.lines().next().unwrap_or(""), has_token);
    let answer = answers
        .lock()
        .ok()
        .and_then(|answers| answers.get(index).cloned())
        .unwrap_or(Answer {
            status: 404,
            content_type: "application/scim+json".into(),
            body: br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}"#
                .to_vec(),
        });
    let body = String::from_utf8_lossy(&answer.body).replace("$TOKEN", TOKEN);
    let reply = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.content_type,
        body.len(),
        body
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let answers: Answers = Arc::default();
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let shared = answers.clone();
        runtime.spawn(async move {
            loop {
                if let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(serve(stream, shared.clone()));
                }
            }
        });
        Server {
            runtime,
            addr,
            answers,
        }
    })
}

fn parse(data: &[u8]) -> Vec<Answer> {
    data.split(|b| *b == 0)
        .take(9)
        .map(|section| {
            let text = String::from_utf8_lossy(section);
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            let mut words = first.splitn(2, ' ');
            match words.next().and_then(|s| s.parse::<u16>().ok()) {
                Some(status) if (100..600).contains(&status) && status != 101 => Answer {
                    status,
                    content_type: words
                        .next()
                        .unwrap_or("")
                        .chars()
                        .filter(|c| c.is_ascii_graphic() || *c == ' ')
                        .collect(),
                    body: rest.as_bytes().to_vec(),
                },
                _ => Answer {
                    status: 200,
                    content_type: "application/scim+json".into(),
                    body: section.to_vec(),
                },
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let server = server();
    if let Ok(mut answers) = server.answers.lock() {
        *answers = parse(data);
    }
    let mut request = DiagnoseRequest::new(
        format!("http://{}/scim/v2", server.addr),
        Secret::new(TOKEN.to_string()),
    );
    request.timeout = Duration::from_secs(2);
    let report = server
        .runtime
        .block_on(diagnose(request, &NoProgress, CancellationToken::new()));
    let text = serde_json::to_string(&report).unwrap_or_default();
    assert!(!text.contains(TOKEN), "the report holds the token");
    // `Some(` in a message means an `Option` was printed with `{:?}`, unless a fuzzed body
    // carried it (raw, or as a JSON escape such as `\u0028` that a message unescapes).
    let input = String::from_utf8_lossy(data);
    let quoted = input.contains("Some") || input.contains("\\u");
    assert!(quoted || !text.contains("Some("), "a message shows Some(..)");
});
