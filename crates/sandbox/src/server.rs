//! Listeners and connection serving. Connections are served by hand (not `axum::serve`) so a
//! `reset` fault can drop one mid-request and the TLS listener can share the Unity router.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::requests::Listener;
use crate::state::{App, SharedApp, Urls};
use crate::{
    control, faults, graph, http, microsoft, provisioning, requests, scim, tls, unity, Sandbox,
    SandboxConfig, SandboxError,
};

/// Put in every request's extensions: cancelling it drops that request's connection.
#[derive(Clone)]
pub(crate) struct ConnKill(pub CancellationToken);

async fn bind(port: u16) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| SandboxError::Bind { port, source })
}

fn port_of(listener: &TcpListener) -> Result<u16, SandboxError> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| SandboxError::Bind { port: 0, source })
}

pub(crate) async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
    let fault_specs = config
        .faults
        .iter()
        .map(|s| crate::parse_fault(s))
        .collect::<Result<Vec<_>, _>>()?;
    if config.rate_limit.0 == 0 {
        return Err(SandboxError::Config(
            "rate_limit must allow at least one request".into(),
        ));
    }
    let (ms, un, tl) = if config.port == 0 {
        (bind(0).await?, bind(0).await?, bind(0).await?)
    } else {
        let base = config.port;
        let next = |n: u16| {
            base.checked_add(n)
                .ok_or_else(|| SandboxError::Config(format!("port {base} leaves no room for +{n}")))
        };
        (
            bind(base).await?,
            bind(next(1)?).await?,
            bind(next(2)?).await?,
        )
    };
    let urls = Urls {
        microsoft: format!("http://127.0.0.1:{}", port_of(&ms)?),
        unity: format!("http://127.0.0.1:{}", port_of(&un)?),
        unity_tls: format!("https://127.0.0.1:{}", port_of(&tl)?),
    };
    let acceptor = tls::self_signed_acceptor()?;
    // The simulated Entra: verifies certificates against public roots, like the real service.
    let client = reqwest::Client::builder()
        .timeout(provisioning::SCIM_TIMEOUT)
        .user_agent("Microsoft Azure AD SCIM client (sandbox)")
        // Talk to the Tenant URL directly: a proxy from the environment is not Entra's network.
        .no_proxy()
        // UNCONFIRMED whether Entra follows redirects; not following makes a redirect to a login
        // page show up as what it is (an unexpected 30x) instead of as an HTML body.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SandboxError::Config(format!("http client: {e}")))?;
    let app: SharedApp = Arc::new(App::new(config, urls, client));
    for fault in fault_specs {
        app.add_fault(fault);
    }

    let microsoft_router = Router::new()
        .merge(microsoft::routes())
        .merge(graph::routes())
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            faults::apply,
        ))
        .layer(axum::middleware::from_fn(http::correlate))
        .layer(axum::middleware::from_fn_with_state(
            (app.clone(), Listener::Microsoft),
            requests::count,
        ))
        .with_state(app.clone());
    let unity_router = Router::new()
        .merge(unity::routes())
        .merge(scim::routes())
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            faults::apply,
        ))
        .layer(axum::middleware::from_fn_with_state(
            (app.clone(), Listener::Unity),
            requests::count,
        ))
        .with_state(app.clone());

    let tasks = vec![
        tokio::spawn(accept_loop(
            ms,
            microsoft_router,
            None,
            app.shutdown.clone(),
        )),
        tokio::spawn(accept_loop(
            un,
            unity_router.clone(),
            None,
            app.shutdown.clone(),
        )),
        tokio::spawn(accept_loop(
            tl,
            unity_router,
            Some(acceptor),
            app.shutdown.clone(),
        )),
        tokio::spawn(provisioning::run_sync_cycles(app.clone())),
    ];
    Ok(Sandbox { app, tasks })
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.cancelled() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            router.clone(),
            tls.clone(),
            shutdown.clone(),
        ));
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    tls: Option<TlsAcceptor>,
    shutdown: CancellationToken,
) {
    let kill = CancellationToken::new();
    let marker = ConnKill(kill.clone());
    let service = router.map_request(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(marker.clone());
        request
    });
    let service = TowerToHyperService::new(service);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new());
    match tls {
        None => {
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.cancelled() => {}
                _ = shutdown.cancelled() => {}
            }
        }
        Some(acceptor) => {
            let handshake = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
            let tls_stream = tokio::select! {
                h = handshake => match h { Ok(Ok(s)) => s, _ => return },
                _ = shutdown.cancelled() => return,
            };
            let conn = builder.serve_connection(TokioIo::new(tls_stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.cancelled() => {}
                _ = shutdown.cancelled() => {}
            }
        }
    }
}
