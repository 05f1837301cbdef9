//! The simulated Tencent TRTC API (`POST /`).

use std::sync::Arc;

use axum::Router;

use crate::{Sim, SimConfig};

/// Tencent TRTC's state: what exists and in which status.
#[derive(Debug, Default)]
pub struct State {}

impl State {
    /// The state seeded from `config`.
    pub fn seeded(_config: &SimConfig) -> Self {
        Self::default()
    }
}

/// The routes, relative to the provider's base path.
pub(crate) fn router() -> Router<Arc<Sim>> {
    Router::new()
}
