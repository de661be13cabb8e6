//! What the push server functions ask of the server. The `server` crate implements it
//! (`server/src/push/service.rs`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{NewDevice, PushSettings};
use crate::error::AppError;

/// Web Push: the signed-in member's devices and switches. Not household-scoped: a device
/// receives the pushes of every household its member belongs to.
#[async_trait::async_trait]
pub trait PushService: Send + Sync + 'static {
    /// The member's devices and switches, and whether this server pushes at all.
    async fn push_settings(&self, req: &Parts) -> Result<PushSettings, AppError>;
    /// Subscribes a device: an `https` push service on the public internet, a P-256 key and a
    /// 16-byte auth secret, a known time zone; at most [`super::MAX_DEVICES`] per member. The
    /// same endpoint again replaces the earlier subscription.
    async fn subscribe_push(&self, req: &Parts, device: NewDevice) -> Result<(), AppError>;
    /// Removes one of the member's devices (another's answers [`AppError::NotFound`]).
    async fn remove_push_device(&self, req: &Parts, device: String) -> Result<(), AppError>;
    /// Turns on exactly the kinds `on` (events of [`super::PUSHED`]); the others off.
    async fn set_push_kinds(&self, req: &Parts, on: Vec<String>) -> Result<(), AppError>;
}
