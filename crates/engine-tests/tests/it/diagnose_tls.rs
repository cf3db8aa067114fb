//! The TLS checks against tiny loopback TLS servers with certificates made for the occasion:
//! trusted and matching, issued for another name, expired, and a server that speaks only TLS
//! 1.3. Each names the exact failure Entra would hit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use scim_core::diagnose::{diagnose, DiagnoseReport, DiagnoseRequest, FailureKind, Outcome};
use scim_core::progress::NoProgress;
use scim_core::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

struct TlsServer {
    addr: SocketAddr,
    cert: Vec<u8>,
    task: tokio::task::JoinHandle<()>,
}

async fn tls_server(
    expired: bool,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> TlsServer {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("certificate");
    let der = cert.der().to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // Enough HTTP for the calls after the handshake: every path is 404.
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 4096];
                    if tls.read(&mut buf).await.is_ok() {
                        let _ = tls
                            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                }
            });
        }
    });
    TlsServer {
        addr,
        cert: der,
        task,
    }
}

async fn diagnose_host(server: &TlsServer, host: &str) -> DiagnoseReport {
    let mut request = DiagnoseRequest::new(
        format!("https://{host}:{}/scim/v2", server.addr.port()),
        Secret::new("tls-test-token-9f3k"),
    );
    request.timeout = Duration::from_secs(2);
    request.extra_roots_der = vec![server.cert.clone()];
    request.dns_overrides = vec![(host.to_string(), vec![server.addr])];
    diagnose(request, &NoProgress, CancellationToken::new()).await
}

fn check<'a>(report: &'a DiagnoseReport, id: &str) -> &'a scim_core::diagnose::CheckResult {
    report
        .check(id)
        .unwrap_or_else(|| panic!("{id} in:\n{}", report.to_text()))
}

#[tokio::test]
async fn a_trusted_matching_certificate_passes_with_tls_1_2() {
    let server = tls_server(false, &[&rustls::version::TLS12, &rustls::version::TLS13]).await;
    let report = diagnose_host(&server, "localhost").await;
    assert_eq!(check(&report, "url-https").outcome, Outcome::Pass);
    assert_eq!(
        check(&report, "tls-certificate").outcome,
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    let version = check(&report, "tls-version");
    assert_eq!(version.outcome, Outcome::Pass);
    assert!(
        version.facts.iter().any(|f| f.value == "TLSv1_2"),
        "{:?}",
        version.facts
    );
    // The HTTP calls reached the server (it answers 404 to everything).
    assert_eq!(
        check(&report, "test-connection-users").failure,
        Some(FailureKind::WrongBaseUrl)
    );
    server.task.abort();
}

#[tokio::test]
async fn a_certificate_for_another_name_is_named() {
    let server = tls_server(false, &[&rustls::version::TLS12]).await;
    let report = diagnose_host(&server, "scim.mismatch.test").await;
    let certificate = check(&report, "tls-certificate");
    assert_eq!(certificate.outcome, Outcome::Fail);
    assert_eq!(
        certificate.failure,
        Some(FailureKind::CertificateNameMismatch)
    );
    assert!(certificate
        .cause
        .as_deref()
        .unwrap_or_default()
        .contains("scim.mismatch.test"));
    assert!(matches!(
        check(&report, "test-connection-users").outcome,
        Outcome::Skipped { .. }
    ));
    server.task.abort();
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let server = tls_server(true, &[&rustls::version::TLS12]).await;
    let report = diagnose_host(&server, "localhost").await;
    let certificate = check(&report, "tls-certificate");
    assert_eq!(
        certificate.failure,
        Some(FailureKind::CertificateExpired),
        "{}",
        report.to_text()
    );
    assert!(certificate
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("Renew"));
    server.task.abort();
}

#[tokio::test]
async fn a_server_without_tls_1_2_is_named() {
    let server = tls_server(false, &[&rustls::version::TLS13]).await;
    let report = diagnose_host(&server, "localhost").await;
    assert_eq!(
        check(&report, "tls-certificate").outcome,
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    let version = check(&report, "tls-version");
    assert_eq!(version.outcome, Outcome::Fail);
    assert_eq!(version.failure, Some(FailureKind::TlsVersion));
    assert!(version
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("TLS 1.2"));
    server.task.abort();
}
