//! Only errors this server made are shown on its pages.
//!
//! A form posted without JavaScript that fails is sent back to its page with the error in the
//! address (`?__path=<server function>&__err=<base64 of the error>`, Leptos' server-function
//! redirect), and the page shows that error beside its form and field. Anyone can write such an
//! address, so a link could make the sign-in page show a message of the sender's choosing next to
//! the password field. So the server signs every error it puts into an address (`__sig`: when,
//! and an HMAC-SHA256 over the form, the error, that time and the visitor's session cookie), and
//! before a page is rendered it removes an error whose signature does not check out, that is older
//! than [`MAX_AGE_SECS`], or that was made for another visitor (another cookie).

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Uri, header},
    middleware::Next,
    response::Response,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

use crate::{
    auth::{server_keys::ServerKey, sessions::COOKIE_NAME},
    db::Store,
};

/// Long enough to read the page the error came back to, short enough that a signed address
/// found later (a browser history, a shared screenshot) shows nothing.
pub const MAX_AGE_SECS: u64 = 15 * 60;

const PATH: &str = "__path";
const ERROR: &str = "__err";
const SIGNATURE: &str = "__sig";

/// The layer's state: the store holds the signing key (made once, shared by every instance, so a
/// redirect signed by one instance checks out on another).
#[derive(Clone)]
pub struct PostedErrors {
    key: ServerKey,
}

impl PostedErrors {
    pub fn new(store: Store) -> Self {
        Self {
            key: ServerKey::new(store, "posted_errors"),
        }
    }

    async fn key(&self) -> Option<&str> {
        self.key.get_or_log().await
    }
}

/// Removes an unsigned or foreign error from a request's address, and signs the error a server
/// function's redirect carries.
pub async fn signed_only(
    State(errors): State<PostedErrors>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookie = session_cookie(request.headers()).unwrap_or_default();
    // Parsed, not searched: the names may come percent-encoded.
    if let Some(query) = request.uri().query()
        && split_query(query).1.iter().any(Option::is_some)
    {
        let key = errors.key().await;
        let kept = verified_query(query, key, &cookie, now_secs());
        if let Some(uri) = with_query(request.uri(), &kept) {
            *request.uri_mut() = uri;
        }
    }
    let mut response = next.run(request).await;
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .filter(|location| has_error(location))
        .map(str::to_owned);
    if let Some(location) = location {
        // A response that sets the session cookie binds the error to the cookie the browser
        // will send next.
        let cookie = set_session_cookie(response.headers()).unwrap_or(cookie);
        let key = errors.key().await;
        let signed = signed_location(&location, key, &cookie, now_secs());
        if let Some(value) = signed.and_then(|signed| HeaderValue::from_str(&signed).ok()) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
}

fn has_error(text: &str) -> bool {
    text.contains(ERROR) || text.contains(SIGNATURE)
}

fn now_secs() -> u64 {
    u64::try_from(crate::clock::now_ms() / 1000).unwrap_or_default()
}

/// The value of the session cookie a request carries.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then(|| value.to_owned())
        })
}

/// The value of the session cookie a response sets (empty when it removes it).
fn set_session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            let (name, rest) = value.split_once('=')?;
            (name.trim() == COOKIE_NAME)
                .then(|| rest.split(';').next().unwrap_or_default().to_owned())
        })
}

fn signature(key: &str, path: &str, error: &str, issued: u64, cookie: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    for part in ["posted-error", path, error, &issued.to_string(), cookie] {
        mac.update(part.as_bytes());
        mac.update(b"\n");
    }
    crate::digest::hex(&mac.finalize().into_bytes())
}

type Pairs = Vec<(String, String)>;

/// A query's pairs other than the error's, and the error's `[path, error, signature]`: the last
/// of each, as the redirect appends the newest error after any the page's address had.
fn split_query(query: &str) -> (Pairs, [Option<String>; 3]) {
    let mut others = Vec::new();
    let mut error: [Option<String>; 3] = [None, None, None];
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            PATH => error[0] = Some(value.into_owned()),
            ERROR => error[1] = Some(value.into_owned()),
            SIGNATURE => error[2] = Some(value.into_owned()),
            _ => others.push((name.into_owned(), value.into_owned())),
        }
    }
    (others, error)
}

fn join_query(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A page's query with its error kept only when this server signed it for this visitor within
/// [`MAX_AGE_SECS`]; without `key` (the database is unreachable) no error is kept.
fn verified_query(query: &str, key: Option<&str>, cookie: &str, now: u64) -> String {
    let (mut pairs, [path, error, signed]) = split_query(query);
    let verified = key
        .zip(path.as_ref())
        .zip(error.as_ref())
        .zip(signed.as_ref());
    if let Some((((key, path), error), signed)) = verified
        && let Some((issued, given)) = signed.split_once('.')
        && let Ok(issued) = issued.parse::<u64>()
        && issued <= now + 60
        && now.saturating_sub(issued) <= MAX_AGE_SECS
    {
        let expected = signature(key, path, error, issued, cookie);
        if bool::from(subtle::ConstantTimeEq::ct_eq(
            expected.as_bytes(),
            given.as_bytes(),
        )) {
            pairs.push((PATH.to_owned(), path.clone()));
            pairs.push((ERROR.to_owned(), error.clone()));
        }
    }
    join_query(&pairs)
}

/// `uri` with `query` in place of its own.
fn with_query(uri: &Uri, query: &str) -> Option<Uri> {
    let path = uri.path();
    let path_and_query = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().ok()?);
    Uri::from_parts(parts).ok()
}

/// A redirect's `location` with its newest error signed and older ones dropped; without `key`
/// (the database is unreachable) the error is dropped too. `None`: `location` is not a URL (and
/// then holds no error the redirect made: Leptos adds one only to a URL).
fn signed_location(location: &str, key: Option<&str>, cookie: &str, now: u64) -> Option<String> {
    let mut url = Url::parse(location).ok()?;
    let (mut pairs, [path, error, _]) = split_query(url.query().unwrap_or_default());
    if let (Some(key), Some(path), Some(error)) = (key, path, error) {
        let signed = format!("{now}.{}", signature(key, &path, &error, now, cookie));
        pairs.push((PATH.to_owned(), path));
        pairs.push((ERROR.to_owned(), error));
        pairs.push((SIGNATURE.to_owned(), signed));
    }
    let query = join_query(&pairs);
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef";
    const NOW: u64 = 1_800_000_000;

    fn signed(cookie: &str) -> String {
        let location =
            "http://site.test/signin?invite=x&__path=%2Fapi%2Fsign_in&__err=eyJhIjoxfQ%3D%3D";
        let signed = signed_location(location, Some(KEY), cookie, NOW).unwrap();
        Url::parse(&signed).unwrap().query().unwrap().to_owned()
    }

    #[test]
    fn a_signed_error_is_kept_for_its_visitor_only() {
        let query = signed("abc");
        let kept = verified_query(&query, Some(KEY), "abc", NOW + 10);
        assert_eq!(
            kept,
            "invite=x&__path=%2Fapi%2Fsign_in&__err=eyJhIjoxfQ%3D%3D"
        );
        assert_eq!(verified_query(&query, Some(KEY), "other", NOW), "invite=x");
        assert_eq!(
            verified_query(&query, Some("another key"), "abc", NOW),
            "invite=x"
        );
        assert_eq!(verified_query(&query, None, "abc", NOW), "invite=x");
    }

    #[test]
    fn an_old_or_altered_error_is_dropped() {
        let query = signed("");
        assert_eq!(
            verified_query(&query, Some(KEY), "", NOW + MAX_AGE_SECS + 1),
            "invite=x"
        );
        let altered = query.replace("eyJhIjoxfQ", "eyJhIjoyfQ");
        assert_eq!(verified_query(&altered, Some(KEY), "", NOW), "invite=x");
        let unsigned = "__path=%2Fapi%2Fsign_in&__err=eyJhIjoxfQ%3D%3D";
        assert_eq!(verified_query(unsigned, Some(KEY), "", NOW), "");
    }

    #[test]
    fn only_the_newest_error_of_a_redirect_is_signed() {
        let location = "http://site.test/p?__path=a&__err=old&__sig=1.x&__path=b&__err=new";
        let signed = signed_location(location, Some(KEY), "", NOW).unwrap();
        let (others, [path, error, sig]) =
            split_query(Url::parse(&signed).unwrap().query().unwrap());
        assert!(others.is_empty());
        assert_eq!(
            (path.as_deref(), error.as_deref()),
            (Some("b"), Some("new"))
        );
        assert!(sig.unwrap().starts_with(&format!("{NOW}.")));
        assert_eq!(signed.matches("__err").count(), 1);
    }
}
