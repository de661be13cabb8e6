//! The one-time `rds_iam` grant that IAM database authentication needs before its first token works.
//!
//! RDS creates the database's user with a password (the AWS provider the infrastructure is planned
//! with cannot create an IAM-only master user), and a token is accepted only for a user that holds
//! the `rds_iam` role. Granting it needs one password connection, so the migrate step, given the
//! bootstrap password (`DATABASE_BOOTSTRAP_PASSWORD`, or `bootstrap_password` in Lambda's migrate
//! event), connects once with it and grants the role to itself. From then on RDS refuses that
//! password for the user (IAM takes precedence), so every later run finds it refused and carries on:
//! the step is idempotent and the stored password is dead after the first deploy.
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.DBAccounts.html>
//!
//! Not a migration: migrations are one set of files for both engines, and with IAM on the server
//! cannot connect at all until this has run.

use secrecy::{ExposeSecret, SecretString};
use sqlx::{AnyConnection, Connection};
use url::Url;

use super::StoreError;
use crate::config::{DatabaseConfig, Engine};

/// What the bootstrap found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootstrap {
    /// Not asked for: IAM authentication is off, or no bootstrap password was given.
    NotNeeded,
    /// The password connected and the user now holds `rds_iam`.
    Granted,
    /// The password connected, but this server has no `rds_iam` role (not RDS or Aurora): nothing
    /// to grant.
    NoRdsIamRole,
    /// The server refused the password: the grant was made by an earlier deploy.
    PasswordRefused,
}

/// Grants `rds_iam` to the user of `DATABASE_URL` over one password connection, when IAM
/// authentication is on and a bootstrap password is given (see the module docs).
pub async fn grant_rds_iam(
    config: &DatabaseConfig,
    password: Option<&SecretString>,
) -> Result<Bootstrap, StoreError> {
    let Some(password) = password.filter(|_| config.iam_auth) else {
        return Ok(Bootstrap::NotNeeded);
    };
    if config.url.engine() != Engine::Postgres {
        return Ok(Bootstrap::NotNeeded);
    }
    let url = with_password(config.url.expose(), password)?;
    sqlx::any::install_default_drivers();
    let mut conn = match AnyConnection::connect(url.expose_secret()).await {
        Ok(conn) => conn,
        Err(error) if is_password_refused(&error) => {
            tracing::info!("the bootstrap password is refused: rds_iam was granted before");
            return Ok(Bootstrap::PasswordRefused);
        }
        Err(source) => {
            return Err(StoreError::Connect {
                url: config.url.redacted().to_owned(),
                source,
            });
        }
    };
    let roles: i64 = sqlx::query_scalar(
        "select cast(count(*) as bigint) from pg_roles where rolname = 'rds_iam'",
    )
    .fetch_one(&mut conn)
    .await?;
    let found = if roles == 0 {
        tracing::info!("this server has no rds_iam role: nothing to grant");
        Bootstrap::NoRdsIamRole
    } else {
        sqlx::query("grant rds_iam to current_user")
            .execute(&mut conn)
            .await?;
        tracing::info!("granted rds_iam: the database user signs in with IAM tokens from now on");
        Bootstrap::Granted
    };
    conn.close().await?;
    Ok(found)
}

/// `url` with its password set (percent-encoded by `Url`), kept secret.
fn with_password(url: &str, password: &SecretString) -> Result<SecretString, StoreError> {
    let mut parsed = Url::parse(url)
        .map_err(|_| StoreError::Credentials("DATABASE_URL is not a URL".to_owned()))?;
    parsed
        .set_password(Some(password.expose_secret()))
        .map_err(|()| StoreError::Credentials("DATABASE_URL cannot carry a password".to_owned()))?;
    Ok(SecretString::from(String::from(parsed)))
}

/// PostgreSQL's answer to a password it does not accept: `invalid_password` (28P01), or
/// `invalid_authorization_specification` (28000), which RDS sends for a user that must use IAM.
fn is_password_refused(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "28P01" || code == "28000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_set_percent_encoded_and_the_rest_of_the_url_kept() {
        let url = with_password(
            "postgres://mealvote@db.example:5432/meals?sslmode=verify-full",
            &SecretString::from("p@ss/word".to_owned()),
        )
        .unwrap();
        assert_eq!(
            url.expose_secret(),
            "postgres://mealvote:p%40ss%2Fword@db.example:5432/meals?sslmode=verify-full"
        );
    }

    #[test]
    fn an_error_that_is_not_from_the_database_is_not_a_refused_password() {
        assert!(!is_password_refused(&sqlx::Error::PoolTimedOut));
    }
}
