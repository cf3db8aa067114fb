//! The untrusted TLS front of the Unity listener: a fresh rcgen self-signed certificate per run, so
//! a client that (correctly) verifies certificates fails the handshake, as Entra does against an
//! endpoint without a public-CA certificate
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>).

use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

use crate::SandboxError;

pub(crate) fn self_signed_acceptor() -> Result<TlsAcceptor, SandboxError> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| SandboxError::Tls(e.to_string()))?;
    let cert = rustls::pki_types::CertificateDer::from(certified.cert.der().to_vec());
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.key_pair.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SandboxError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| SandboxError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
