//! Connections that never finish their request head are closed, and a flood of them leaves the
//! server answering (`startup::connections`): raw TCP sockets on 127.0.0.1, a bounded number of
//! them, each waited on with a deadline.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{TestApp, TestDatabase};

/// Opened at once: more than the server serves at a time, so some wait for a free place.
const SOCKETS: usize = 20;
const MAX_CONNECTIONS: usize = 8;
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// Reads until the server closes the connection; how long that took, or `None` past `deadline`.
async fn closed_within(socket: &mut TcpStream, deadline: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0_u8; 1024];
    loop {
        let left = deadline.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, socket.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {} // a 408, say: read on to the close
            Err(_) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_and_the_health_check_still_answers() {
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[
            ("MAX_CONNECTIONS", &MAX_CONNECTIONS.to_string()),
            ("HEADER_READ_TIMEOUT_SECS", "1"),
        ],
    )
    .await;
    let mut sockets = Vec::new();
    for n in 0..SOCKETS {
        let mut socket = TcpStream::connect(app.address).await.expect("connects");
        if n % 2 == 0 {
            // Half a request head: the blank line that ends it never comes.
            socket
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .await
                .unwrap();
        } // and every other one sends nothing at all
        sockets.push(socket);
    }
    // Each waits at most one header timeout per batch of MAX_CONNECTIONS ahead of it in the
    // accept queue, plus room for a slow machine.
    let batches = u32::try_from(SOCKETS.div_ceil(MAX_CONNECTIONS)).unwrap();
    let bound = HEADER_READ_TIMEOUT * batches + Duration::from_secs(3);
    let health = tokio::spawn({
        let client = app.client.clone();
        let url = app.url("/healthz");
        async move {
            let started = Instant::now();
            let status = client.get(url).send().await.map(|r| r.status());
            (status, started.elapsed())
        }
    });
    for (n, socket) in sockets.iter_mut().enumerate() {
        let took = closed_within(socket, bound).await;
        assert!(
            took.is_some(),
            "socket {n} was still open after {bound:?}: the server keeps half-sent requests"
        );
    }
    let (status, took) = health.await.unwrap();
    assert!(status.as_ref().is_ok_and(|s| s.is_success()), "{status:?}");
    assert!(took < bound, "/healthz answered after {took:?}");
    // And once they are gone, a request is answered at once. (A new client: the pooled
    // connection of the request above sat idle past the header timeout, so the server closed it.)
    let started = Instant::now();
    let fresh = reqwest::Client::new();
    let status = fresh
        .get(app.url("/healthz"))
        .send()
        .await
        .map(|r| r.status());
    assert!(status.as_ref().is_ok_and(|s| s.is_success()), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
}
