//! Attacks on the real loopback redirect listener that Microsoft and Unity sign-in use
//! (RFC 8252's loopback redirect). Each ends with the sign-in still possible (the genuine callback then
//! completes it) or a clear `Problem`; none hands an attacker's code to the app.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::Duration;

use scim_core::auth::loopback::{ListenerLimits, LoopbackListener};
use scim_core::auth::Provider;
use scim_core::Problem;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const STATE: &str = "the-state-the-app-sent";
/// Long enough that no test ever reaches it; the tests end on their own callbacks.
const WAIT: Duration = Duration::from_secs(60);

struct Signing {
    redirect: String,
    addr: SocketAddr,
    waiting: JoinHandle<Result<String, Problem>>,
}

async fn start(template: &str, limits: ListenerLimits) -> Signing {
    let listener = LoopbackListener::bind(template)
        .await
        .expect("bind")
        .with_limits(limits);
    let redirect = listener.redirect_uri().to_string();
    let addr = listener
        .local_addrs()
        .into_iter()
        .find(SocketAddr::is_ipv4)
        .expect("an IPv4 address");
    let waiting = tokio::spawn(async move {
        listener
            .wait(Provider::Unity, STATE, WAIT, &CancellationToken::new())
            .await
    });
    Signing {
        redirect,
        addr,
        waiting,
    }
}

/// Sends `request` raw and returns the whole answer (status line, head and page).
async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").into_bytes()
}

fn status(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// Finishes the sign-in with the genuine callback and returns the code the app received.
async fn finish(signing: Signing, path: &str) -> String {
    let answer = raw(
        signing.addr,
        &get(&format!("{path}?code=genuine-code&state={STATE}")),
    )
    .await;
    assert_eq!(status(&answer), 200, "{answer}");
    signing
        .waiting
        .await
        .expect("join")
        .expect("the genuine callback completes the sign-in")
}

fn quick() -> ListenerLimits {
    ListenerLimits {
        read_deadline: Duration::from_millis(300),
        ..ListenerLimits::default()
    }
}

#[tokio::test]
async fn a_wrong_missing_or_repeated_state_is_refused_and_the_sign_in_goes_on() {
    let signing = start("http://127.0.0.1/callback", quick()).await;
    for target in [
        "/callback?code=evil&state=wrong".to_string(),
        "/callback?code=evil".to_string(),
        "/callback?code=evil&state=".to_string(),
        format!("/callback?code=evil&state={STATE}x"),
        format!("/callback?code=evil&state=wrong&state={STATE}"),
        format!("/callback?code=evil&code=genuine&state={STATE}"),
        "/callback?error=access_denied&state=wrong".to_string(),
    ] {
        let answer = raw(signing.addr, &get(&target)).await;
        assert_eq!(status(&answer), 400, "{target}: {answer}");
        assert!(!signing.waiting.is_finished(), "{target} ended the sign-in");
    }
    assert_eq!(finish(signing, "/callback").await, "genuine-code");
}

#[tokio::test]
async fn another_path_or_method_is_refused() {
    let signing = start("http://127.0.0.1/callback", quick()).await;
    let good_query = format!("?code=evil&state={STATE}");
    for (request, expected) in [
        (get(&format!("/{good_query}")), 404),
        (get(&format!("/callback/x{good_query}")), 404),
        (get(&format!("/CALLBACK{good_query}")), 404),
        (get(&format!("http://127.0.0.1/callback{good_query}")), 404),
        (get("/favicon.ico"), 404),
        (
            format!("POST /callback{good_query} HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                .into_bytes(),
            405,
        ),
        (
            format!("HEAD /callback{good_query} HTTP/1.1\r\n\r\n").into_bytes(),
            405,
        ),
        // Not an HTTP request line: refused as malformed (fuzzing found leading spaces taken
        // for a GET).
        (b"\r\n\r\n".to_vec(), 400),
        (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec(),
            400,
        ),
        (
            format!(" GET /callback{good_query} HTTP/1.1\r\n\r\n").into_bytes(),
            400,
        ),
    ] {
        let answer = raw(signing.addr, &request).await;
        assert_eq!(
            status(&answer),
            expected,
            "{}",
            String::from_utf8_lossy(&request)
        );
    }
    assert_eq!(finish(signing, "/callback").await, "genuine-code");
}

#[tokio::test]
async fn a_replayed_code_finds_the_listener_closed() {
    let signing = start("http://127.0.0.1", quick()).await;
    let addr = signing.addr;
    assert_eq!(finish(signing, "/").await, "genuine-code");
    // wait() returned, so the listener is gone: the replay cannot even connect.
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener still accepts after the sign-in completed"
    );
}

#[tokio::test]
async fn a_head_over_the_cap_is_answered_431_and_the_sign_in_goes_on() {
    let signing = start("http://127.0.0.1", quick()).await;
    let mut huge = format!("GET /?code=evil&state={STATE} HTTP/1.1\r\n").into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 64 * 1024));
    let answer = raw(signing.addr, &huge).await;
    assert_eq!(status(&answer), 431, "{answer}");
    assert_eq!(finish(signing, "/").await, "genuine-code");
}

#[tokio::test]
async fn a_byte_a_while_is_cut_off_at_the_read_deadline() {
    let signing = start("http://127.0.0.1", quick()).await;
    let mut slow = TcpStream::connect(signing.addr).await.expect("connect");
    let request = get(&format!("/?code=evil&state={STATE}"));
    // Trickle everything but the final newline, 50 ms a byte: past the 300 ms deadline long
    // before the head could end. The listener must answer 408 and close on its own.
    let mut answer = Vec::new();
    for byte in &request[..request.len() - 1] {
        if slow.write_all(&[*byte]).await.is_err() {
            break;
        }
        let mut buffer = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(50), slow.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(read)) => answer.extend_from_slice(&buffer[..read]),
            Err(_) => {}
        }
    }
    let _ = slow.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status(&answer), 408, "{answer}");
    assert_eq!(finish(signing, "/").await, "genuine-code");
}

#[tokio::test]
async fn two_hundred_idle_connections_are_capped_and_the_sign_in_completes() {
    let limits = ListenerLimits {
        // Long, so the only thing that closes an idle connection here is the cap.
        read_deadline: Duration::from_secs(60),
        max_connections: 16,
        ..ListenerLimits::default()
    };
    let signing = start("http://127.0.0.1", limits).await;
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(signing.addr).await.expect("connect"));
    }
    // The real callback still gets through, evicting the oldest idle connection if need be.
    assert_eq!(finish(signing, "/").await, "genuine-code");
    // One-shot: once the sign-in completed, every idle connection is closed too.
    let mut closed = 0;
    for stream in &mut idle {
        let mut buffer = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 200, "idle connections outlive the sign-in");
}

#[tokio::test]
async fn the_cap_closes_the_oldest_idle_connections_while_waiting() {
    let limits = ListenerLimits {
        read_deadline: Duration::from_secs(60),
        max_connections: 16,
        ..ListenerLimits::default()
    };
    let signing = start("http://127.0.0.1", limits).await;
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(signing.addr).await.expect("connect"));
    }
    // A request on a fresh connection makes sure the listener has accepted all 200.
    assert_eq!(status(&raw(signing.addr, &get("/nothing")).await), 404);
    let mut closed = 0;
    for stream in idle.iter_mut().take(184) {
        let mut buffer = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 184, "the oldest connections past the cap stay open");
    assert!(!signing.waiting.is_finished());
    assert_eq!(finish(signing, "/").await, "genuine-code");
}

#[tokio::test]
async fn only_loopback_is_bound() {
    for template in ["http://127.0.0.1/callback", "http://localhost"] {
        let listener = LoopbackListener::bind(template).await.expect("bind");
        let addrs = listener.local_addrs();
        assert!(!addrs.is_empty());
        for addr in &addrs {
            assert!(addr.ip().is_loopback(), "{template} bound {addr}");
        }
        // This machine's own non-loopback address, if it has one (a UDP "connect" only picks
        // the outgoing address; nothing is sent), must not reach the listener.
        let own = UdpSocket::bind("0.0.0.0:0")
            .and_then(|socket| socket.connect("192.0.2.1:9").map(|()| socket))
            .and_then(|socket| socket.local_addr())
            .map(|addr| addr.ip())
            .ok()
            .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
        match own {
            Some(ip @ IpAddr::V4(_)) => {
                let port = addrs[0].port();
                assert!(
                    TcpStream::connect((ip, port)).await.is_err(),
                    "{template} answered on {ip}:{port}"
                );
            }
            _ => println!("no non-loopback IPv4 address on this machine: reach not tried"),
        }
    }
    for template in [
        "http://0.0.0.0",
        "http://192.0.2.1/callback",
        "http://example.com",
        "https://localhost",
        "http://[::1]",
        "localhost",
    ] {
        let problem = match LoopbackListener::bind(template).await {
            Ok(_) => panic!("{template} was bound"),
            Err(problem) => problem,
        };
        assert_eq!(problem.kind_name(), "badInput", "{template}");
    }
}

#[tokio::test]
async fn the_reply_page_reflects_nothing_from_the_request() {
    let signing = start("http://127.0.0.1/callback", quick()).await;
    let marker = "xss<script>alert(1)</script>";
    let encoded = "xss%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let requests = [
        get(&format!("/callback?code={encoded}&state=wrong")),
        get(&format!("/callback?state={STATE}&code=")),
        get(&format!("/{marker}")),
        format!("POST /callback?code={encoded}&state={STATE} HTTP/1.1\r\n\r\n").into_bytes(),
        format!("GET /callback?state={encoded} HTTP/1.1\r\nX-Evil: {marker}\r\nCookie: {marker}\r\n\r\n")
            .into_bytes(),
    ];
    for request in &requests {
        let answer = raw(signing.addr, request).await;
        assert!(status(&answer) >= 400, "{answer}");
        for needle in ["xss", "script", "alert", "X-Evil", "Cookie"] {
            assert!(!answer.contains(needle), "{needle} reflected: {answer}");
        }
        assert!(answer.contains("Content-Security-Policy: default-src 'none'"));
    }
    // The provider's error description is shown in the app, never on the page.
    let answer = raw(
        signing.addr,
        &get(&format!(
            "/callback?error=access_denied&error_description={encoded}&state={STATE}"
        )),
    )
    .await;
    assert_eq!(status(&answer), 200);
    assert!(!answer.contains("xss") && !answer.contains("script"));
    let problem = signing
        .waiting
        .await
        .expect("join")
        .expect_err("a provider error ends the sign-in with a Problem");
    assert_eq!(problem.kind_name(), "signInFailed");
}

#[tokio::test]
async fn redirect_and_listener_agree() {
    let signing = start("http://localhost", quick()).await;
    assert!(signing.redirect.starts_with("http://localhost:"));
    assert!(signing
        .redirect
        .ends_with(&format!(":{}", signing.addr.port())));
    assert_eq!(finish(signing, "/").await, "genuine-code");
}
