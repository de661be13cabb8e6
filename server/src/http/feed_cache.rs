//! Rendered calendar feeds, kept for a minute. Calendar apps poll, and a burst of requests for
//! one feed (three devices, a retrying client, a stranger with a leaked link) must not render
//! it once each: requests for the same feed wait for one rendering and share it.
//!
//! An entry is keyed by the member *and* the households they belong to at the time of the
//! request (read fresh for every request, like the token), so a member who leaves or is removed
//! never gets a household's slots from the cache; a revoked token finds no member and no entry.
//! Slots that closed or changed within the minute show at the next rendering, as the feed's
//! `Cache-Control: max-age=300` already allows calendar apps.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::Mutex as AsyncMutex;

/// How long a rendered feed is served again.
pub const FRESH_FOR: Duration = Duration::from_secs(60);
/// Feeds kept at most; beyond it, stale ones are dropped, then all (a burst of distinct feeds
/// renders each at most once per minute either way).
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

    fn fresh(&self) -> bool {
        self.made.elapsed() < FRESH_FOR
    }
}

type Slot = Arc<AsyncMutex<Option<Rendered>>>;

/// See the module documentation. Cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct FeedCache {
    entries: Arc<Mutex<HashMap<String, Slot>>>,
}

impl FeedCache {
    /// The feed under `key`: a fresh kept one, or the one `render` makes (while it runs, other
    /// requests for the same key wait for it instead of rendering too).
    pub async fn get_or_render<E, F, Fut>(&self, key: String, render: F) -> Result<Rendered, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, E>>,
    {
        let slot = self.slot(key);
        let mut kept = slot.lock().await;
        if let Some(rendered) = kept.as_ref().filter(|r| r.fresh()) {
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
            entries.retain(|_, slot| {
                slot.try_lock()
                    .map_or(true, |kept| kept.as_ref().is_some_and(Rendered::fresh))
            });
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
            .get_or_render("ada|h1,h2".into(), || async { Ok::<_, ()>("other".to_owned()) })
            .await
            .unwrap();
        assert_ne!(other.etag, tags[0], "another set of households is another feed");
    }
}
