//! The asset bucket, through aws-sdk-s3 configured by aws-config's standard chain: `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, a profile,
//! or the container's role.

use aws_config::BehaviorVersion;
use aws_sdk_s3::{Client, error::SdkError, primitives::ByteStream};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::{PublishError, site::Asset};

/// Object metadata (`x-amz-meta-sha256`) holding the hex SHA-256 of the body. ETags cannot serve:
/// they are an MD5 only for single-part uploads without SSE-KMS, and S3-compatible servers differ.
const SHA256_METADATA: &str = "sha256";

/// What the bucket holds under an asset's key, compared with the local file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remote {
    Missing,
    /// Different bytes, or the same bytes with other headers (e.g. after a cache-policy change).
    Changed,
    Unchanged,
}

pub struct Bucket {
    client: Client,
    name: String,
}

impl Bucket {
    /// Connects and checks that the bucket exists and these credentials may use it.
    pub async fn connect(name: &str) -> Result<Self, PublishError> {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                    .build_https(),
            )
            .load()
            .await;
        if config.region().is_none() {
            return Err(PublishError::NoRegion);
        }
        // A custom endpoint is an S3-compatible server (moto, MinIO…) on one host name: it cannot
        // serve the per-bucket host names of virtual-hosted addressing.
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(config.endpoint_url().is_some())
            .build();
        let bucket = Self {
            client: Client::from_conf(s3),
            name: name.to_owned(),
        };
        bucket.check_access().await?;
        Ok(bucket)
    }

    async fn check_access(&self) -> Result<(), PublishError> {
        let Err(error) = self.client.head_bucket().bucket(&self.name).send().await else {
            return Ok(());
        };
        // HeadBucket answers with a status only (HEAD has no body), so the status is the reason:
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
        match status(&error) {
            Some(404) => Err(PublishError::NoSuchBucket(self.name.clone())),
            Some(301) => Err(PublishError::WrongRegion {
                bucket: self.name.clone(),
                region: error
                    .raw_response()
                    .and_then(|response| response.headers().get("x-amz-bucket-region"))
                    .unwrap_or("unknown")
                    .to_owned(),
            }),
            _ => Err(s3_error("HeadBucket", format!("s3://{}", self.name), error)),
        }
    }

    pub async fn compare(&self, key: &str, asset: &Asset) -> Result<Remote, PublishError> {
        let head = match self
            .client
            .head_object()
            .bucket(&self.name)
            .key(key)
            .send()
            .await
        {
            Ok(head) => head,
            Err(error) if status(&error) == Some(404) => return Ok(Remote::Missing),
            Err(error) => return Err(s3_error("HeadObject", self.url(key), error)),
        };
        let stored_sha256 = head
            .metadata()
            .and_then(|metadata| metadata.get(SHA256_METADATA));
        let unchanged = stored_sha256 == Some(&asset.sha256)
            && head.content_type() == Some(asset.content_type)
            && head.cache_control() == Some(asset.cache_control);
        Ok(if unchanged {
            Remote::Unchanged
        } else {
            Remote::Changed
        })
    }

    pub async fn put(&self, key: &str, asset: Asset) -> Result<(), PublishError> {
        self.client
            .put_object()
            .bucket(&self.name)
            .key(key)
            .body(ByteStream::from(asset.body))
            .content_type(asset.content_type)
            .cache_control(asset.cache_control)
            .metadata(SHA256_METADATA, &asset.sha256)
            .send()
            .await
            .map_err(|error| s3_error("PutObject", self.url(key), error))?;
        Ok(())
    }

    pub fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.name)
    }
}

fn status<E>(error: &SdkError<E>) -> Option<u16> {
    error
        .raw_response()
        .map(|response| response.status().as_u16())
}

/// One line for any S3 failure; 403 gets a hint, as it is the usual deploy mistake.
fn s3_error<E>(operation: &'static str, target: String, error: SdkError<E>) -> PublishError
where
    E: std::error::Error + Send + Sync + 'static,
{
    if status(&error) == Some(403) {
        return PublishError::AccessDenied { operation, target };
    }
    PublishError::S3 {
        operation,
        target,
        // The SDK's messages carry no credentials; `{:#}` joins the cause chain on one line.
        message: format!("{:#}", anyhow::Error::new(error)),
    }
}
