//! Microsoft Graph (stub, filled next).
use axum::Router;
use serde_json::{json, Value};
use crate::state::SharedApp;
pub(crate) const UNITY_APP_NAME: &str = "Unity";
#[derive(Debug, Default)]
pub(crate) struct GraphState {}
impl GraphState {
    pub fn seed(_dir: &crate::seed::Directory) -> Self { Self {} }
    pub fn state_json(&self) -> Value { json!({}) }
}
pub(crate) fn routes() -> Router<SharedApp> { Router::new() }
