//! `Cache-Control: no-store` on every answer that may hold a person's data: any page, server
//! function or download requested with a session cookie, and any answer that sets one. A shared
//! computer's browser cache, or a proxy, then keeps no copy of a household's pages once the tab is
//! closed or the person signs out. Signed-out pages stay cacheable (they are the same for everyone).

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

use crate::auth::sessions::COOKIE_NAME;

/// Middleware; see the module documentation.
pub async fn personal_answers_are_not_stored(request: Request, next: Next) -> Response {
    let signed_in = carries_session_cookie(request.headers());
    let mut response = next.run(request).await;
    if signed_in || response.headers().contains_key(header::SET_COOKIE) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn carries_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, _)| name.trim() == COOKIE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_the_session_cookie_counts() {
        assert!(carries_session_cookie(&cookies("session=abc")));
        assert!(carries_session_cookie(&cookies("theme=dark; session=abc")));
        assert!(!carries_session_cookie(&cookies(
            "sessionx=abc; theme=dark"
        )));
        assert!(!carries_session_cookie(&HeaderMap::new()));
    }
}
