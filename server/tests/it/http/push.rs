//! Web Push over HTTP, with a push service the test runs on loopback: a member subscribes a
//! device as a browser would (a P-256 key pair and auth secret made here), the batch pushes the
//! in-app notification's words encrypted for that device (decrypted here with the device's
//! private key) and signed with the server's VAPID key (verified here with its public key), and
//! a device the push service says is gone (410, 404) is deleted and never tried again.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{aead, agreement, hkdf, rand::SystemRandom, signature};

use crate::support::{Person, TestApp, TestDatabase, store::row_count};

const SECRET: &str = "a-finalize-secret-for-tests-0123456789";
const LOCAL_PUSH_SERVICE: (&str, &str) = ("PUSH_ALLOW_PRIVATE", "true");

/// Each push received: its headers and body.
type Received = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

#[derive(Clone, Default)]
struct PushService {
    received: Received,
    statuses: Arc<Mutex<VecDeque<u16>>>,
    origin: String,
}

impl PushService {
    async fn start(statuses: &[u16]) -> Self {
        let mut service = Self::default();
        service.statuses.lock().unwrap().extend(statuses);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        service.origin = format!("http://{}", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/push/{device}", post(receive))
            .with_state(service.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        service
    }

    fn received(&self) -> Vec<(HeaderMap, Vec<u8>)> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(
    State(service): State<PushService>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    service
        .received
        .lock()
        .unwrap()
        .push((headers, body.to_vec()));
    let status = service.statuses.lock().unwrap().pop_front().unwrap_or(201);
    StatusCode::from_u16(status).unwrap()
}

/// A browser's side of a subscription: its key pair (used once, to read one push) and secret.
struct Device {
    private: agreement::EphemeralPrivateKey,
    public: Vec<u8>,
    auth: [u8; 16],
    endpoint: String,
}

impl Device {
    fn new(service: &PushService, name: &str) -> Self {
        let rng = SystemRandom::new();
        let private =
            agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).unwrap();
        let public = private.compute_public_key().unwrap().as_ref().to_vec();
        let mut auth = [0_u8; 16];
        ring::rand::SecureRandom::fill(&rng, &mut auth).unwrap();
        Self {
            private,
            public,
            auth,
            endpoint: format!("{}/push/{name}", service.origin),
        }
    }

    async fn subscribe(&self, person: &Person, zone: &str) -> crate::support::Answer {
        person
            .call(
                "subscribe_push",
                &[
                    ("endpoint", &self.endpoint),
                    ("p256dh", &URL_SAFE_NO_PAD.encode(&self.public)),
                    ("auth", &URL_SAFE_NO_PAD.encode(self.auth)),
                    ("time_zone", zone),
                ],
            )
            .await
    }

    /// Reads a push body as the browser does (RFC 8291, RFC 8188), written here from the RFCs.
    fn decrypt(self, body: &[u8]) -> String {
        let (salt, rest) = body.split_at(16);
        let record_size = u32::from_be_bytes(rest[..4].try_into().unwrap());
        assert_eq!(record_size, 4096);
        let key_length = usize::from(rest[4]);
        let (server_public, ciphertext) = rest[5..].split_at(key_length);
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, server_public);
        let ecdh = agreement::agree_ephemeral(self.private, &peer, <[u8]>::to_vec).unwrap();
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(&self.public);
        key_info.extend_from_slice(server_public);
        let ikm = hkdf_sha256(&self.auth, &ecdh, &key_info, 32);
        let cek = hkdf_sha256(salt, &ikm, b"Content-Encoding: aes128gcm\0", 16);
        let nonce = hkdf_sha256(salt, &ikm, b"Content-Encoding: nonce\0", 12);
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &cek).unwrap());
        let mut record = ciphertext.to_vec();
        let plain = key
            .open_in_place(
                aead::Nonce::try_assume_unique_for_key(&nonce).unwrap(),
                aead::Aad::empty(),
                &mut record,
            )
            .expect("the push opens with the device's keys");
        let end = plain.iter().rposition(|&byte| byte != 0).unwrap();
        assert_eq!(plain[end], 2, "the last record's delimiter");
        String::from_utf8(plain[..end].to_vec()).unwrap()
    }
}

fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], length: usize) -> Vec<u8> {
    struct Len(usize);
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    let mut out = vec![0_u8; length];
    let info = [info];
    hkdf::Salt::new(hkdf::HKDF_SHA256, salt)
        .extract(ikm)
        .expand(&info, Len(length))
        .unwrap()
        .fill(&mut out)
        .unwrap();
    out
}

/// A zone where it is day now (07:00–22:00), so nothing waits for the morning.
fn awake_zone() -> String {
    let now = server::clock::now_ms();
    (-12..=12)
        .map(|hours: i32| match hours {
            0 => "Etc/GMT".to_owned(),
            h if h > 0 => format!("Etc/GMT+{h}"),
            h => format!("Etc/GMT{h}"),
        })
        .find(|name| {
            let zone = server::push::quiet::zone(name).unwrap();
            !server::push::quiet::is_quiet(now, &zone)
        })
        .unwrap()
}

async fn batch(app: &TestApp) -> serde_json::Value {
    let answer = app.finalize_due(Some(SECRET)).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn household(app: &TestApp) -> (Person, Person, String) {
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    (ada, bob, household)
}

#[tokio::test]
async fn a_push_carries_the_notification_encrypted_for_the_device_and_signed_by_the_server() {
    let service = PushService::start(&[]).await;
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("FINALIZE_SECRET", SECRET), LOCAL_PUSH_SERVICE],
    )
    .await;
    let (ada, bob, household) = household(&app).await;
    let device = Device::new(&service, "bobs-phone");
    device.subscribe(&bob, &awake_zone()).await.assert_ok();
    let settings = bob.fetch_fn(app::push::GetPushSettings {}).await;
    assert!(settings.available);
    assert_eq!(settings.devices.len(), 1);
    let public_key = settings.public_key.expect("the page subscribes with it");

    ada.propose_plan(&household, "Pasta\nCurry").await;
    assert!(
        service.received().is_empty(),
        "a request never waits for a push"
    );
    let report = batch(&app).await;
    assert_eq!(report["push"]["queued"], 1, "{report}");
    assert_eq!(report["push"]["delivered"], 1, "{report}");

    let received = service.received();
    assert_eq!(received.len(), 1);
    let (headers, body) = &received[0];
    let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert!(header("ttl").parse::<u32>().unwrap() > 0);

    // The VAPID header: an ES256 JWT for this push service, signed with the key the page got.
    let authorization = header("authorization");
    let (token, key) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=…, k=…");
    assert_eq!(key, public_key);
    let (signed, signature_text) = token.rsplit_once('.').unwrap();
    let public = URL_SAFE_NO_PAD.decode(key).unwrap();
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &public)
        .verify(
            signed.as_bytes(),
            &URL_SAFE_NO_PAD.decode(signature_text).unwrap(),
        )
        .expect("the JWT verifies with the server's public key");
    let claims: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split_once('.').unwrap().1)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], service.origin);
    let expires = claims["exp"].as_i64().unwrap() * 1000;
    let now = server::clock::now_ms();
    assert!(expires > now && expires <= now + 24 * 3_600_000, "{claims}");

    // The message: the in-app notification's words, and where it links.
    let message: serde_json::Value = serde_json::from_str(&device.decrypt(body)).unwrap();
    let page = bob
        .fetch_fn(app::notifications::GetNotifications {
            household_id: household.clone(),
        })
        .await;
    assert_eq!(message["body"], page.items[0].text.as_str());
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .starts_with("Ada proposed “"),
        "{message}"
    );
    assert_eq!(message["title"], "Home");
    assert_eq!(message["url"], page.items[0].href.clone().unwrap().as_str());

    // Sent once.
    batch(&app).await;
    assert_eq!(service.received().len(), 1);
}

#[tokio::test]
async fn a_device_the_push_service_no_longer_knows_is_deleted_and_never_tried_again() {
    for gone in [410, 404] {
        let service = PushService::start(&[gone]).await;
        let app = TestApp::spawn_with(
            TestDatabase::sqlite().await,
            &[("FINALIZE_SECRET", SECRET), LOCAL_PUSH_SERVICE],
        )
        .await;
        let (ada, bob, household) = household(&app).await;
        Device::new(&service, "old-phone")
            .subscribe(&bob, &awake_zone())
            .await
            .assert_ok();
        ada.propose_plan(&household, "Pasta\nCurry").await;
        let report = batch(&app).await;
        assert_eq!(report["push"]["abandoned"], 1, "{gone}: {report}");
        assert_eq!(
            row_count(&app.store, "push_subscriptions").await.unwrap(),
            0
        );
        assert_eq!(row_count(&app.store, "push_deliveries").await.unwrap(), 0);
        let settings = bob.fetch_fn(app::push::GetPushSettings {}).await;
        assert!(
            settings.devices.is_empty(),
            "the account page no longer lists it"
        );

        ada.propose_plan(&household, "Soup\nSalad").await;
        batch(&app).await;
        assert_eq!(service.received().len(), 1, "{gone}: never tried again");
    }
}

#[tokio::test]
async fn bad_subscriptions_are_refused_with_a_message_and_the_devices_kept() {
    let service = PushService::start(&[]).await;
    let strict = TestApp::spawn_with(TestDatabase::sqlite().await, &[]).await;
    let ada = strict.signed_up("Ada").await;
    let device = Device::new(&service, "phone");
    let refused = device.subscribe(&ada, "UTC").await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.error().to_string().contains("https"),
        "{}",
        refused.body
    );

    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[LOCAL_PUSH_SERVICE]).await;
    let ada = app.signed_up("Ada").await;
    Device::new(&service, "phone")
        .subscribe(&ada, "UTC")
        .await
        .assert_ok();
    let bad_key = ada
        .call(
            "subscribe_push",
            &[
                ("endpoint", &format!("{}/push/other", service.origin)),
                ("p256dh", "not-a-key"),
                ("auth", "BTBZMqHH6r4Tts7J_aSIgg"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(bad_key.status, 400);
    assert!(
        bad_key.error().to_string().contains("public key"),
        "{}",
        bad_key.body
    );
    let bad_zone = Device::new(&service, "x")
        .subscribe(&ada, "Mars/Olympus")
        .await;
    assert!(
        bad_zone.error().to_string().contains("Mars/Olympus"),
        "{}",
        bad_zone.body
    );
    for n in 1..app::push::MAX_DEVICES {
        Device::new(&service, &format!("phone-{n}"))
            .subscribe(&ada, "UTC")
            .await
            .assert_ok();
    }
    let full = Device::new(&service, "one-too-many")
        .subscribe(&ada, "UTC")
        .await;
    assert!(
        full.error().to_string().contains("Remove one"),
        "{}",
        full.body
    );
    let settings = ada.fetch_fn(app::push::GetPushSettings {}).await;
    assert_eq!(
        settings.devices.len(),
        app::push::MAX_DEVICES,
        "nothing lost"
    );
}

#[tokio::test]
async fn with_outbound_none_push_is_off_and_the_page_says_so() {
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[("OUTBOUND", "none")]).await;
    let ada = app.signed_up("Ada").await;
    let settings = ada.fetch_fn(app::push::GetPushSettings {}).await;
    assert!(!settings.available);
    assert_eq!(settings.public_key, None);
    let page = ada.open(app::routes::HOUSEHOLDS).await;
    assert!(
        page.body.contains("unavailable on this server"),
        "{}",
        page.body
    );
    let service = PushService::start(&[]).await;
    let refused = Device::new(&service, "phone").subscribe(&ada, "UTC").await;
    assert_eq!(refused.status, 400);
}
