//! The window's commands, one module per concern. Each is a few lines: take the arguments,
//! call the engine, adapt its progress to a `Channel`, return its outcome or its Problem.
//! Long ones take an `operationId` that `cancel_operation` can cancel.

pub mod app;
pub mod connector;
pub mod diagnose;
pub mod entra;
pub mod job;
pub mod journal;
pub mod preview;
pub mod provision;
pub mod settings;
pub mod unity;

use scim_core::progress::{FnProgress, ProgressSink};
use serde::Serialize;
use tauri::ipc::Channel;

/// The engine's progress, forwarded to the window as it happens. A closed window drops
/// events quietly: the work itself goes on to its end or its cancellation.
pub fn channel_sink<P>(channel: Channel<P>) -> impl ProgressSink<P>
where
    P: Serialize + Clone + Send + Sync + 'static,
{
    FnProgress(move |event: P| {
        let _ = channel.send(event);
    })
}
