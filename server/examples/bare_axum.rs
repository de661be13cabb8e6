//! A bare axum "hello" server on 127.0.0.1: the baseline `scripts/bench` measures mealvote
//! against, on the same machine in the same run. It listens the way the app does (Nagle off).

use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let app = Router::new().route("/", get(|| async { "hello" }));
    axum::serve(server::startup::without_nagle(listener), app)
        .with_graceful_shutdown(async {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut terminate) = signal(SignalKind::terminate()) {
                terminate.recv().await;
            }
        })
        .await
}
