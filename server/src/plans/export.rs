//! `GET /households/{id}/slots/{slot}/export`: a closed slot's ballot file, for members only.
//!
//! An axum route, not a server function, because the answer must be the exact stored bytes (the
//! digest on the results page covers them) sent as a download: `application/json` with
//! `Content-Disposition: attachment`. A server function's output codec re-encodes its value (JSON
//! would quote the file as one string) and cannot name a file. Access is nonetheless decided
//! exactly as for the pages: the route sits behind the same session and same-origin layers and
//! asks the same [`PlansService`] method, whose `Services::access` asks the one membership check
//! (`Member::access`), so a non-member gets 404 as everywhere else. A plain link downloads it,
//! with or without JavaScript.

use app::{
    error::AppError,
    ids::{HouseholdId, SlotId},
    plans::{PlansService, export_file_name},
};
use axum::{
    extract::{Path, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use std::sync::Arc;

/// The route, as axum writes it.
pub const ROUTE: &str = app::routes::templates::EXPORT;

/// The handler: the file as a download, or the error's status with its message as text (a
/// signed-out visitor is sent to sign in, as the pages do).
pub async fn download(
    State(plans): State<Arc<dyn PlansService>>,
    Path((household, slot)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let result = async {
        let household = HouseholdId::try_from(household)?;
        let slot = SlotId::try_from(slot)?;
        let file = plans.slot_export(&parts, household, slot.clone()).await?;
        Ok::<_, AppError>((slot, file))
    }
    .await;
    match result {
        Ok((slot, file)) => (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", export_file_name(&slot)),
                ),
                // Private to the household, and membership can end.
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            file,
        )
            .into_response(),
        // As the pages do for a signed-out visitor.
        Err(AppError::SignedOut) => Redirect::to(app::routes::SIGN_IN).into_response(),
        Err(error) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            error.to_string(),
        )
            .into_response(),
    }
}
