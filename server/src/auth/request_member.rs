//! The signed-in member, read once per request.
//!
//! A page runs several server functions while it renders (the header's viewer, the page's own
//! data), each of which needs to know who is asking and whether they belong to the household.
//! [`layer`] gives every request an empty [`RequestMember`]; the first function to need the
//! member reads it ([`crate::db::Store::member`]: one statement) and the others reuse it.

use std::sync::Arc;

use app::ids::{HouseholdId, UserId};
use axum::{extract::Request, middleware::Next, response::Response};
use tokio::sync::Mutex;

use crate::{
    access::Member,
    db::{Store, StoreError},
};

/// The request's member, once read. Cloned with the request's parts into every server function
/// of the request; the clones share one slot.
#[derive(Clone, Debug, Default)]
pub struct RequestMember(Arc<Mutex<Option<Arc<Member>>>>);

/// Middleware: a fresh, empty [`RequestMember`] on every request.
pub async fn layer(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(RequestMember::default());
    next.run(request).await
}

impl RequestMember {
    /// The member `user`, read from `store` the first time this request asks (concurrent askers
    /// wait for that one read). `None` if the account no longer exists.
    pub async fn get(
        &self,
        store: &Store,
        user: &UserId,
        now_ms: i64,
    ) -> Result<Option<Arc<Member>>, StoreError> {
        let mut slot = self.0.lock().await;
        if let Some(member) = slot.as_ref().filter(|m| m.id == *user) {
            return Ok(Some(Arc::clone(member)));
        }
        let member = store.member(user, now_ms).await?.map(Arc::new);
        slot.clone_from(&member);
        Ok(member)
    }

    /// Records that `household`'s overdue slots were closed during this request.
    pub async fn settled(&self, household: &HouseholdId) {
        let mut slot = self.0.lock().await;
        if let Some(member) = slot.as_mut() {
            *member = Arc::new(member.settled(household));
        }
    }

    /// Forgets the member after a change to their memberships.
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }
}
