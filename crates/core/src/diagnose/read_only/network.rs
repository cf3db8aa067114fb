//! DNS, TCP and TLS, each on its own so a failure names the layer it happened in: the host
//! does not resolve, nothing listens, the certificate is self-signed, TLS 1.2 is off. TLS is
//! judged the way Entra connects: TLS 1.2 and the public CAs (the same roots reqwest trusts).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::Url;

use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::millis;
use crate::diagnose::output::report::{Check, CheckResult, Evidence};

pub const DNS: Check = Check {
    id: "dns",
    title: "The host name resolves",
};
pub const TCP_CONNECT: Check = Check {
    id: "tcp-connect",
    title: "A TCP connection opens",
};
pub const TLS_CERTIFICATE: Check = Check {
    id: "tls-certificate",
    title: "The certificate is trusted and matches the host",
};
pub const TLS_VERSION: Check = Check {
    id: "tls-version",
    title: "The server speaks TLS 1.2, as Entra does",
};

/// What the network checks found, and whether HTTP calls can follow.
pub(crate) struct NetworkFindings {
    pub checks: Vec<CheckResult>,
    pub reachable: bool,
    /// The first check that stopped the run, to name in the others' skip reason.
    pub blocker: Option<&'static str>,
}

/// The trust Entra has: the public CAs, plus roots the caller adds (tests, a private CA on
/// purpose). `versions` picks TLS 1.2 only, 1.3 only or both.
pub(crate) fn client_config(
    extra_roots: &[Vec<u8>],
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| format!("an extra trusted root is not a certificate: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

pub(crate) async fn check_network(
    url: &Url,
    timeout: Duration,
    dns_overrides: &[(String, Vec<SocketAddr>)],
    extra_roots: &[Vec<u8>],
) -> NetworkFindings {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let mut checks = Vec::new();
    let https = url.scheme() == "https";
    let skip_tls = |checks: &mut Vec<CheckResult>, reason: &str| {
        checks.push(CheckResult::skipped(TLS_CERTIFICATE, reason));
        checks.push(CheckResult::skipped(TLS_VERSION, reason));
    };

    // DNS
    let started = Instant::now();
    let addrs = resolve(&host, port, timeout, dns_overrides).await;
    let dns_evidence = Evidence {
        request: format!("RESOLVE {host}"),
        elapsed_ms: millis(started.elapsed()),
        error: addrs.as_ref().err().cloned(),
        ..Evidence::default()
    };
    let addrs = match addrs {
        Ok(addrs) => {
            let listed: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            checks.push(
                CheckResult::new(DNS)
                    .with_evidence(dns_evidence)
                    .fact("addresses", listed.join(", ")),
            );
            addrs
        }
        Err(error) => {
            checks.push(
                CheckResult::new(DNS)
                    .with_evidence(dns_evidence)
                    .fail(FailureKind::DnsFailed, format!("({host}: {error})")),
            );
            checks.push(CheckResult::skipped(
                TCP_CONNECT,
                "the host does not resolve",
            ));
            skip_tls(&mut checks, "the host does not resolve");
            return NetworkFindings {
                checks,
                reachable: false,
                blocker: Some(DNS.id),
            };
        }
    };

    // TCP
    let started = Instant::now();
    let mut last_error = String::new();
    let mut connected = None;
    for addr in &addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(_stream)) => {
                connected = Some(*addr);
                break;
            }
            Ok(Err(err)) => last_error = format!("{addr}: {err}"),
            Err(_) => last_error = format!("{addr}: no answer within {} s", timeout.as_secs_f32()),
        }
    }
    let evidence = Evidence {
        request: format!("CONNECT {host}:{port}"),
        elapsed_ms: millis(started.elapsed()),
        error: connected.is_none().then(|| last_error.clone()),
        ..Evidence::default()
    };
    let Some(addr) = connected else {
        checks.push(
            CheckResult::new(TCP_CONNECT)
                .with_evidence(evidence)
                .fail(FailureKind::UnreachableHost, format!("({last_error})")),
        );
        skip_tls(&mut checks, "no TCP connection");
        return NetworkFindings {
            checks,
            reachable: false,
            blocker: Some(TCP_CONNECT.id),
        };
    };
    checks.push(
        CheckResult::new(TCP_CONNECT)
            .with_evidence(evidence)
            .fact("connected to", addr.to_string()),
    );

    if !https {
        skip_tls(&mut checks, "plain http: no TLS");
        return NetworkFindings {
            checks,
            reachable: true,
            blocker: None,
        };
    }
    let (certificate, version) = check_tls(&host, port, addr, timeout, extra_roots).await;
    let blocker = if certificate.is_fail() {
        Some(TLS_CERTIFICATE.id)
    } else if version.is_fail() {
        Some(TLS_VERSION.id)
    } else {
        None
    };
    checks.push(certificate);
    checks.push(version);
    NetworkFindings {
        checks,
        reachable: blocker.is_none(),
        blocker,
    }
}

async fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
    overrides: &[(String, Vec<SocketAddr>)],
) -> Result<Vec<SocketAddr>, String> {
    if let Some((_, addrs)) = overrides.iter().find(|(h, _)| h.eq_ignore_ascii_case(host)) {
        if addrs.is_empty() {
            return Err("no such host".to_string());
        }
        return Ok(addrs
            .iter()
            .map(|a| SocketAddr::new(a.ip(), port))
            .collect());
    }
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err("no addresses".to_string())
            } else {
                Ok(addrs)
            }
        }
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
    }
}

/// A handshake's outcome: the negotiated version and suite, or the rustls error.
enum Handshake {
    Done { version: String, suite: String },
    Certificate(CertificateError),
    Failed(String),
}

async fn handshake(
    host: &str,
    addr: SocketAddr,
    timeout: Duration,
    config: ClientConfig,
) -> Handshake {
    let Ok(name) = ServerName::try_from(host.to_string()) else {
        return Handshake::Failed(format!(
            "{} is not a valid TLS server name",
            crate::diagnose::output::explain::quoted(host)
        ));
    };
    let connector = TlsConnector::from(Arc::new(config));
    let attempt = async {
        let tcp = TcpStream::connect(addr).await?;
        connector.connect(name, tcp).await
    };
    match tokio::time::timeout(timeout, attempt).await {
        Err(_) => Handshake::Failed(format!("no handshake within {} s", timeout.as_secs_f32())),
        Ok(Ok(stream)) => {
            let (_, connection) = stream.get_ref();
            Handshake::Done {
                version: connection
                    .protocol_version()
                    .map(|v| format!("{v:?}"))
                    .unwrap_or_default(),
                suite: connection
                    .negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite()))
                    .unwrap_or_default(),
            }
        }
        Ok(Err(err)) => match err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        {
            Some(rustls::Error::InvalidCertificate(cert)) => Handshake::Certificate(cert.clone()),
            Some(other) => Handshake::Failed(other.to_string()),
            None => Handshake::Failed(err.to_string()),
        },
    }
}

async fn check_tls(
    host: &str,
    port: u16,
    addr: SocketAddr,
    timeout: Duration,
    extra_roots: &[Vec<u8>],
) -> (CheckResult, CheckResult) {
    let request = format!("TLS {host}:{port}");
    let started = Instant::now();
    let tls12 = match client_config(extra_roots, &[&rustls::version::TLS12]) {
        Ok(config) => handshake(host, addr, timeout, config).await,
        Err(err) => Handshake::Failed(err),
    };
    let evidence = |error: Option<String>| Evidence {
        request: request.clone(),
        elapsed_ms: millis(started.elapsed()),
        error,
        ..Evidence::default()
    };
    match tls12 {
        Handshake::Done { version, suite } => (
            CheckResult::new(TLS_CERTIFICATE).with_evidence(evidence(None)),
            CheckResult::new(TLS_VERSION)
                .with_evidence(evidence(None))
                .fact("protocol", version)
                .fact("cipher suite", suite),
        ),
        // A certificate arrives only after the version is agreed, so TLS 1.2 itself works.
        Handshake::Certificate(cert) => (
            certificate_failure(cert, host, evidence(None)),
            CheckResult::new(TLS_VERSION)
                .with_evidence(evidence(None))
                .fact("protocol", "TLSv1_2"),
        ),
        Handshake::Failed(error12) => {
            let tls13 = match client_config(extra_roots, &[&rustls::version::TLS13]) {
                Ok(config) => handshake(host, addr, timeout, config).await,
                Err(err) => Handshake::Failed(err),
            };
            let version_failure = |result: CheckResult| {
                result.with_evidence(evidence(Some(error12.clone()))).fail(
                    FailureKind::TlsVersion,
                    format!("(TLS 1.2: {error12}; TLS 1.3 works)"),
                )
            };
            match tls13 {
                Handshake::Done { .. } => (
                    CheckResult::new(TLS_CERTIFICATE).with_evidence(evidence(None)),
                    version_failure(CheckResult::new(TLS_VERSION)),
                ),
                Handshake::Certificate(cert) => (
                    certificate_failure(cert, host, evidence(None)),
                    version_failure(CheckResult::new(TLS_VERSION)),
                ),
                Handshake::Failed(_) => (
                    CheckResult::new(TLS_CERTIFICATE)
                        .with_evidence(evidence(Some(error12.clone())))
                        .fail(FailureKind::TlsHandshakeFailed, format!("({error12})")),
                    CheckResult::skipped(TLS_VERSION, "no TLS handshake succeeded"),
                ),
            }
        }
    }
}

fn certificate_failure(cert: CertificateError, host: &str, evidence: Evidence) -> CheckResult {
    let error = rustls::Error::InvalidCertificate(cert.clone()).to_string();
    let result = CheckResult::new(TLS_CERTIFICATE).with_evidence(Evidence {
        error: Some(error.clone()),
        ..evidence
    });
    match cert {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => result.fail(
            FailureKind::UntrustedCertificate,
            "(the chain does not lead to a public certificate authority: UnknownIssuer)",
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            result.fail(
                FailureKind::CertificateNameMismatch,
                format!("(the certificate does not cover {host})"),
            )
        }
        CertificateError::Expired
        | CertificateError::ExpiredContext { .. }
        | CertificateError::NotValidYet
        | CertificateError::NotValidYetContext { .. } => {
            result.fail(FailureKind::CertificateExpired, format!("({error})"))
        }
        _ => result.fail(FailureKind::TlsHandshakeFailed, format!("({error})")),
    }
}
