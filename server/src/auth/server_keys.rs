//! Server keys (`Store::server_key`): a secret per use, made at random by the first instance that
//! needs it and stored, so every instance signs and checks with the same one; read once per
//! process and kept.

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::db::{Store, StoreError};

/// The server key `name`, read the first time it is asked for.
#[derive(Clone, Debug)]
pub struct ServerKey {
    store: Store,
    name: &'static str,
    value: Arc<OnceCell<String>>,
}

impl ServerKey {
    pub fn new(store: Store, name: &'static str) -> Self {
        Self {
            store,
            name,
            value: Arc::default(),
        }
    }

    /// The key; an error when the database cannot be reached (asked again next time).
    pub async fn get(&self) -> Result<&str, StoreError> {
        self.value
            .get_or_try_init(|| self.store.server_key(self.name))
            .await
            .map(String::as_str)
    }

    /// [`Self::get`] for a caller that signs nothing and accepts nothing without it: the
    /// failure is logged, not returned.
    pub async fn get_or_log(&self) -> Option<&str> {
        match self.get().await {
            Ok(key) => Some(key),
            Err(error) => {
                tracing::warn!(%error, key = self.name, "a server key could not be read");
                None
            }
        }
    }
}
