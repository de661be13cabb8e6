//! The accounts service: what `app::accounts`'s server functions ask of the server
//! ([`AccountsService`]).

use app::{
    accounts::{AccountsService, Credentials, NewAccount, Password, Viewer},
    error::{AppError, Field},
    ids::{HouseholdId, UserId},
    shown_once::NewSecret,
};
use http::request::Parts;

use crate::{
    auth::{
        client_ip::client_ip,
        limits::{self, Subject},
        sessions::CURRENT_HOUSEHOLD,
        shown_once,
    },
    clock::now_ms,
    households::summaries,
    service::{
        Services,
        session::{self, session, session_failed, signed_in_user},
    },
    telemetry::RequestLog,
};

#[async_trait::async_trait]
impl AccountsService for Services {
    async fn viewer(&self, req: &Parts) -> Result<Option<Viewer>, AppError> {
        if signed_in_user(req).await?.is_none() {
            return Ok(None);
        }
        let session = session(req)?;
        let Some(member) = self.member(req).await? else {
            // The account no longer exists, or this session was ended from elsewhere.
            return Ok(None);
        };
        let households = summaries(&member);
        let chosen: Option<String> = session
            .get(CURRENT_HOUSEHOLD)
            .await
            .map_err(session_failed)?;
        // The chosen household may have been left since: fall back to the first one.
        let current_household = chosen
            .and_then(|id| households.iter().find(|h| h.id.as_str() == id))
            .or_else(|| households.first())
            .map(|h| h.id.clone());
        Ok(Some(Viewer {
            user_id: member.id.clone(),
            display_name: member.display_name.clone(),
            households,
            current_household,
        }))
    }

    async fn sign_up(&self, req: &Parts, account: NewAccount) -> Result<UserId, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.client_ip_source);
        limits::check(&self.limits, limits::SIGN_UP_PER_IP, Subject::Ip(ip), now).await?;
        let hash = self.hasher.hash(account.password).await?;
        let user = self
            .store
            .create_user(&account.email, &account.display_name, &hash, now)
            .await?;
        RequestLog::user(req, &user);
        tracing::info!("account created");
        session::start(req, &user).await?;
        Ok(user)
    }

    async fn sign_in(&self, req: &Parts, credentials: Credentials) -> Result<UserId, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.client_ip_source);
        limits::check(&self.limits, limits::SIGN_IN_PER_IP, Subject::Ip(ip), now).await?;
        let failure = limits::reserve_failures(&self.limits, &credentials.email, ip, now).await?;
        let stored = self.store.credentials(&credentials.email).await?;
        let (user, hash) = match stored {
            Some((user, hash)) => (Some(user), Some(hash)),
            None => (None, None),
        };
        let matches = match self.hasher.verify(credentials.password, hash).await {
            Ok(matches) => matches,
            Err(error) => {
                // Not checked (the hashing pool was full): no failure.
                failure.release(&self.limits).await?;
                return Err(error.into());
            }
        };
        let Some(user) = user.filter(|_| matches) else {
            tracing::info!("sign-in refused: wrong email or password");
            crate::metrics::sign_in_failed();
            return Err(AppError::WrongCredentials);
        };
        failure.release(&self.limits).await?;
        RequestLog::user(req, &user);
        session::start(req, &user).await?;
        tracing::info!("signed in");
        Ok(user)
    }

    async fn sign_out(&self, req: &Parts) -> Result<(), AppError> {
        // Deletes the record and empties the session, so the response also removes the cookie.
        session(req)?.flush().await.map_err(session_failed)
    }

    async fn sign_out_everywhere(&self, req: &Parts) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        self.store.end_sessions(&user, None, now).await?;
        session::start(req, &user).await?;
        tracing::info!("signed out everywhere else");
        Ok(())
    }

    async fn change_password(
        &self,
        req: &Parts,
        current: Password,
        new: Password,
    ) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        let ip = client_ip(req, self.client_ip_source);
        // Each change hashes (twice): it counts, whatever its outcome, against the address's
        // budget that sign-ins share and against the account's own.
        limits::check(&self.limits, limits::SIGN_IN_PER_IP, Subject::Ip(ip), now).await?;
        let account = Subject::User(&user);
        limits::check(
            &self.limits,
            limits::PASSWORD_CHANGES_PER_ACCOUNT,
            account,
            now,
        )
        .await?;
        let (email, hash) = self.store.password_hash(&user).await?;
        // A stolen session must not become a way to guess the password: failures count against
        // the same limits as failed sign-ins.
        let failure = limits::reserve_failures(&self.limits, &email, ip, now).await?;
        let verified = match self.hasher.verify(current, Some(hash)).await {
            Ok(verified) => verified,
            Err(error) => {
                failure.release(&self.limits).await?;
                return Err(error.into());
            }
        };
        if !verified {
            return Err(AppError::invalid(
                Field::CurrentPassword,
                "That is not your current password.",
            ));
        }
        failure.release(&self.limits).await?;
        let hash = self.hasher.hash(new).await?;
        self.store.end_sessions(&user, Some(&hash), now).await?;
        session::start(req, &user).await?;
        tracing::info!("password changed; other sessions ended");
        Ok(())
    }

    async fn take_new_secret(
        &self,
        req: &Parts,
        kind: NewSecret,
        household: Option<HouseholdId>,
    ) -> Result<Option<String>, AppError> {
        self.signed_in(req).await?;
        shown_once::take(&session(req)?, kind, household.as_ref(), now_ms())
            .await
            .map_err(session_failed)
    }
}
