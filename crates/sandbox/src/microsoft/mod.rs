//! Microsoft identity platform v2 (stub, filled next).
use axum::Router;
use crate::state::SharedApp;
#[derive(Debug, Default)]
pub(crate) struct MsState {}
pub(crate) fn routes() -> Router<SharedApp> { Router::new() }
