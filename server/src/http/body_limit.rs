//! Request bodies over [`MAX_BODY_BYTES`] are refused with 413 and a message, before any handler
//! reads them. Without this a large form would reach `server_fn`, whose body reader fails inside
//! the framework: the answer would be a 500 and an ERROR in the log for the sender's mistake.

use axum::{
    body::Body,
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The largest body any route accepts: axum's default limit, far above the largest form (a
/// proposal of 28 meals with 20 options each is a few KiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Middleware; see the module documentation. A body that states its length is judged by it;
/// one that does not (chunked) is read up to the limit, and passed on whole if it fits.
pub async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => too_large(),
        Some(_) => next.run(request).await,
        None => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(_) => too_large(),
            }
        }
    }
}

fn too_large() -> Response {
    tracing::warn!(limit = MAX_BODY_BYTES, "request body too large: refused");
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONNECTION, "close")],
        "The request is too large: a request may carry at most 2 MiB.",
    )
        .into_response()
}
