//! Calendar feeds being rendered, shared. Calendar apps poll, and a burst of requests for one
//! feed (three devices, a retrying client, a stranger with a leaked link) must not render it once
//! each: a request for a feed that is being rendered waits for that rendering and shares it. A
//! request that arrives when no rendering is under way renders afresh, so a feed never shows
//! anything older than the moment it was asked for.
//!
//! An entry is keyed by the member *and* the households they belong to at the time of the
//! request (read fresh for every request, like the token), so a member who leaves or is removed
//! never gets a household's slots from another request's rendering.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use tokio::sync::Mutex as AsyncMutex;

/// Feeds tracked at most; beyond it, the ones nobody is rendering are forgotten.
const MAX_ENTRIES: usize = 1_024;

/// A rendered feed with its entity tag.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub body: Arc<str>,
    /// `"<hex>"`: a digest of the body, for `If-None-Match`.
    pub etag: String,
    made: Instant,
}

impl Rendered {
    pub fn new(body: String) -> Self {
        let etag = format!("\"{}\"", &crate::digest::sha256_hex(body.as_bytes())[..32]);
        Self {
            body: body.into(),
            etag,
            made: Instant::now(),
        }
    }

    /// Finished after `arrived`: it was under way when that request came.
    fn made_since(&self, arrived: Instant) -> bool {
        self.made >= arrived
    }
}

type Slot = Arc<AsyncMutex<Option<Rendered>>>;

/// See the module documentation. Cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct FeedCache {
    entries: Arc<Mutex<HashMap<String, Slot>>>,
}

impl FeedCache {
    /// The feed under `key`: the one rendered while this request waited, or the one `render`
    /// makes (while it runs, other requests for the same key wait for it instead of rendering).
    pub async fn get_or_render<E, F, Fut>(&self, key: String, render: F) -> Result<Rendered, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, E>>,
    {
        let arrived = Instant::now();
        let slot = self.slot(key);
        let mut kept = slot.lock().await;
        if let Some(rendered) = kept.as_ref().filter(|r| r.made_since(arrived)) {
            return Ok(rendered.clone());
        }
        let rendered = Rendered::new(render().await?);
        *kept = Some(rendered.clone());
        Ok(rendered)
    }

    fn slot(&self, key: String) -> Slot {
        let Ok(mut entries) = self.entries.lock() else {
            // A panic while holding the map: serve without keeping anything.
            return Slot::default();
        };
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, slot| slot.try_lock().is_err());
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.entry(key).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn requests_for_one_feed_at_once_render_it_once_and_share_its_tag() {
        let cache = FeedCache::default();
        let renders = Arc::new(AtomicUsize::new(0));
        let requests = (0..8).map(|_| {
            let cache = cache.clone();
            let renders = renders.clone();
            tokio::spawn(async move {
                cache
                    .get_or_render("ada|h1".into(), || async move {
                        renders.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok::<_, ()>("BEGIN:VCALENDAR".to_owned())
                    })
                    .await
                    .unwrap()
            })
        });
        let mut tags = Vec::new();
        for request in requests.collect::<Vec<_>>() {
            tags.push(request.await.unwrap().etag);
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert!(tags.windows(2).all(|pair| pair[0] == pair[1]));
        let other = cache
            .get_or_render("ada|h1,h2".into(), || async {
                Ok::<_, ()>("other".to_owned())
            })
            .await
            .unwrap();
        assert_ne!(
            other.etag, tags[0],
            "another set of households is another feed"
        );
        let later = cache
            .get_or_render("ada|h1".into(), || async {
                Ok::<_, ()>("END:VCALENDAR".to_owned())
            })
            .await
            .unwrap();
        assert_ne!(
            later.etag, tags[0],
            "a request after the burst renders afresh"
        );
    }
}
