//! RDS IAM database authentication (`DATABASE_IAM_AUTH=true`): no password anywhere in the
//! function's or service's settings. The password of each new connection is an authentication
//! token: a SigV4-presigned `rds-db:connect` request for the URL's user, host and port, signed
//! here with the role's credentials. Signing is local (no network call: the VPC has no route to
//! AWS APIs, docs/architecture.md, decision 1); the database checks the signature.
//!
//! A token is valid for 15 minutes and only needed while a connection is being opened (an open
//! session stays authenticated), so the pool's connect options carry one that is regenerated
//! before a connection is opened once it is older than [`REFRESH_AFTER`] or its credentials
//! expire within [`CREDENTIALS_MARGIN`]: on every acquire, not on a timer, because a frozen Lambda
//! environment runs no timers.

use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_credential_types::{Credentials, provider::ProvideCredentials};
use aws_sigv4::{
    http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign},
    sign::v4::SigningParams,
};
use aws_smithy_runtime_api::client::identity::Identity;
use sqlx::{AnyPool, any::AnyConnectOptions};
use tokio::sync::{Mutex, OnceCell};
use url::Url;

use super::StoreError;
use crate::config::DatabaseUrl;

/// How long a token is valid: the most RDS accepts.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(900);
/// A token older than this is replaced before the next connection is opened.
pub const REFRESH_AFTER: Duration = Duration::from_secs(600);
/// Credentials that expire sooner than this sign no new token.
const CREDENTIALS_MARGIN: Duration = Duration::from_secs(60);

/// Who a token lets in, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenTarget {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub region: String,
}

/// The authentication token for `target`: `host:port/?Action=connect&DBUser=…&X-Amz-…`, the
/// presigned URL without its scheme, valid [`TOKEN_LIFETIME`] from `time`.
pub fn auth_token(
    target: &TokenTarget,
    credentials: Credentials,
    time: SystemTime,
) -> Result<String, StoreError> {
    let failed = |e: &dyn std::fmt::Display| StoreError::Credentials(e.to_string());
    let identity: Identity = credentials.into();
    let mut settings = SigningSettings::default();
    settings.expires_in = Some(TOKEN_LIFETIME);
    settings.signature_location = SignatureLocation::QueryParams;
    let params = SigningParams::builder()
        .identity(&identity)
        .region(&target.region)
        .name("rds-db")
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| failed(&e))?;
    let mut url =
        Url::parse(&format!("https://{}:{}/", target.host, target.port)).map_err(|e| failed(&e))?;
    url.query_pairs_mut()
        .append_pair("Action", "connect")
        .append_pair("DBUser", &target.user);
    let request = SignableRequest::new(
        "GET",
        url.as_str(),
        std::iter::empty(),
        SignableBody::empty(),
    )
    .map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign(request, &params.into())
        .map_err(|e| failed(&e))?
        .into_parts();
    for (name, value) in instructions.params() {
        url.query_pairs_mut().append_pair(name, value);
    }
    Ok(url.as_str()["https://".len()..].to_owned())
}

/// The pool's token: signs one when needed and puts it in the pool's connect options.
#[derive(Debug)]
pub(super) struct IamAuth {
    /// `DATABASE_URL` (no password in it).
    url: Url,
    /// The region, user, host and port; the region is known once the SDK config is loaded.
    host: String,
    port: u16,
    user: String,
    sdk: OnceCell<aws_config::SdkConfig>,
    /// When the pool's current token was signed, and when its credentials expire.
    issued: Mutex<Option<(SystemTime, Option<SystemTime>)>>,
}

impl IamAuth {
    pub(super) fn new(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let invalid = |problem: &str| StoreError::Credentials(problem.to_owned());
        let url = Url::parse(url.expose()).map_err(|_| invalid("DATABASE_URL is not a URL"))?;
        let host = url
            .host_str()
            .ok_or_else(|| invalid("DATABASE_URL has no host"))?
            .to_owned();
        let user = percent_decoded(url.username());
        Ok(Self {
            port: url.port().unwrap_or(5432),
            url,
            host,
            user,
            sdk: OnceCell::new(),
            issued: Mutex::new(None),
        })
    }

    /// Makes sure the next connection the pool opens carries a valid token.
    pub(super) async fn refresh(&self, pool: &AnyPool) -> Result<(), StoreError> {
        let mut issued = self.issued.lock().await;
        let now = SystemTime::now();
        if issued.is_some_and(|(at, expiry)| still_good(at, expiry, now)) {
            return Ok(());
        }
        let sdk = self.sdk.get_or_init(load_sdk_config).await;
        let region = sdk.region().ok_or_else(|| {
            StoreError::Credentials("DATABASE_IAM_AUTH needs AWS_REGION".to_owned())
        })?;
        let provider = sdk.credentials_provider().ok_or_else(|| {
            StoreError::Credentials("no AWS credentials provider is configured".to_owned())
        })?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| StoreError::Credentials(format!("no AWS credentials: {e}")))?;
        let expiry = credentials.expiry();
        let target = TokenTarget {
            host: self.host.clone(),
            port: self.port,
            user: self.user.clone(),
            region: region.to_string(),
        };
        let token = auth_token(&target, credentials, now)?;
        pool.set_connect_options(with_password(&self.url, &token)?);
        *issued = Some((now, expiry));
        tracing::debug!(user = %self.user, host = %self.host, "signed a database token");
        Ok(())
    }
}

/// Whether a token signed at `at` with credentials expiring at `expiry` may still open
/// connections at `now`.
fn still_good(at: SystemTime, expiry: Option<SystemTime>, now: SystemTime) -> bool {
    let young = now.duration_since(at).is_ok_and(|age| age < REFRESH_AFTER);
    let credentials_last = expiry.is_none_or(|expiry| {
        expiry
            .duration_since(now)
            .is_ok_and(|left| left > CREDENTIALS_MARGIN)
    });
    young && credentials_last
}

/// `url` with `token` as its password, encoded so that the driver decodes it back unchanged (the
/// token holds `%`, `&` and `=`).
pub(super) fn with_password(url: &Url, token: &str) -> Result<AnyConnectOptions, StoreError> {
    let mut url = url.clone();
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    url.set_password(Some(&encoded))
        .map_err(|()| StoreError::Credentials("DATABASE_URL cannot carry a token".to_owned()))?;
    let options = sqlx::ConnectOptions::from_url(&url)?;
    Ok(options)
}

fn percent_decoded(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// The default credential chain: on Lambda the role's keys in the environment, on App Runner the
/// instance role. The SDK's HTTPS client (for the container credential endpoint) is rustls on
/// ring, as for `publish-assets`.
async fn load_sdk_config() -> aws_config::SdkConfig {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                .build_https(),
        )
        .load()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(session_token: Option<&str>) -> Credentials {
        Credentials::new(
            "akid",
            "secret",
            session_token.map(str::to_owned),
            None,
            "test",
        )
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The AWS SDK for Rust's own vector (`aws-sdk-rds`, `auth_token.rs`, test `signing_works`):
    /// the same inputs must give byte for byte the token it expects.
    #[test]
    fn the_token_matches_the_aws_sdks_known_good_vector() {
        let target = TokenTarget {
            host: "prod-instance.us-east-1.rds.amazonaws.com".into(),
            port: 3306,
            user: "peccy".into(),
            region: "us-east-1".into(),
        };
        let token = auth_token(&target, credentials(None), at(1_724_709_600)).unwrap();
        assert_eq!(
            token,
            "prod-instance.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=peccy\
             &X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=akid%2F20240826%2Fus-east-1%2Frds-db%2Faws4_request\
             &X-Amz-Date=20240826T220000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=dd0cba843009474347af724090233265628ace491ea17ce3eb3da098b983ad89"
        );
    }

    fn aurora() -> TokenTarget {
        TokenTarget {
            host: "mealvote.cluster-abc.eu-west-1.rds.amazonaws.com".into(),
            port: 5432,
            user: "mealvote".into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn a_token_names_its_target_carries_the_session_token_and_changes_with_time() {
        let first = auth_token(
            &aurora(),
            credentials(Some("sess/tok+en")),
            at(1_800_000_000),
        );
        let first = first.unwrap();
        assert!(
            first.starts_with(
                "mealvote.cluster-abc.eu-west-1.rds.amazonaws.com:5432/?Action=connect\
                 &DBUser=mealvote&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            ),
            "{first}"
        );
        assert!(
            first.contains("%2Feu-west-1%2Frds-db%2Faws4_request"),
            "{first}"
        );
        assert!(first.contains("&X-Amz-Expires=900&"), "{first}");
        assert!(
            first.contains("X-Amz-Security-Token=sess%2Ftok%2Ben"),
            "{first}"
        );
        assert!(!first.contains("secret"), "the secret key never appears");
        let later = auth_token(
            &aurora(),
            credentials(Some("sess/tok+en")),
            at(1_800_000_601),
        );
        assert_ne!(first, later.unwrap(), "a new token after ten minutes");
    }

    #[test]
    fn a_token_is_replaced_after_ten_minutes_or_before_its_credentials_expire() {
        let signed = at(1_000);
        assert!(still_good(signed, None, at(1_000 + 599)));
        assert!(!still_good(signed, None, at(1_000 + 600)));
        assert!(!still_good(signed, None, at(999)), "a clock that went back");
        assert!(still_good(signed, Some(at(5_000)), at(1_100)));
        assert!(!still_good(signed, Some(at(1_150)), at(1_100)));
    }

    #[test]
    fn the_driver_reads_the_token_back_unchanged_from_the_url() {
        let url = Url::parse("postgres://mealvote@db.internal:5432/meals?sslmode=require").unwrap();
        let token = auth_token(&aurora(), credentials(Some("a/b+c=d")), at(1_800_000_000));
        let token = token.unwrap();
        let options = with_password(&url, &token).unwrap();
        let password = options.database_url.password().expect("a password");
        // What sqlx's PostgreSQL driver does with the URL's password.
        let decoded = percent_encoding::percent_decode_str(password)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, token);
        assert_eq!(options.database_url.username(), "mealvote");
        assert_eq!(options.database_url.query(), Some("sslmode=require"));
    }

    #[test]
    fn the_user_and_host_come_from_the_url() {
        let url = DatabaseUrl::parse("postgres://meal%2Dvote@db.internal/meals").unwrap();
        let auth = IamAuth::new(&url).unwrap();
        assert_eq!(
            (auth.user.as_str(), auth.host.as_str(), auth.port),
            ("meal-vote", "db.internal", 5432)
        );
    }
}
