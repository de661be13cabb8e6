//! A typed client of the app's server functions, calling them the way the hydrated app does
//! (form-encoded, `Accept: application/json`, with the site's `Origin`). The prober
//! (`cli/probe`) and the integration tests both call the server through it.
//!
//! A call is the server function's own argument struct, which `#[server]` generates beside the
//! function (`app::households::CreateHousehold { name }`): its address and its fields come from
//! the function itself, and the answer reads as the function's own output type. [`Client::raw`]
//! sends any fields at all, for checking how the server answers what the app never sends.

use app::error::AppError;
use leptos::server_fn::ServerFn;
use reqwest::{RequestBuilder, StatusCode, header};
use serde::{Serialize, de::DeserializeOwned};

/// The server functions of one site, called through one HTTP client (and so one cookie jar:
/// one person's session).
#[derive(Clone, Debug)]
pub struct Client {
    /// `scheme://host[:port]`, without a trailing slash; also the `Origin` every call sends.
    origin: String,
    http: reqwest::Client,
}

/// A server function's answer, as the hydrated app sees it.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: StatusCode,
    /// Where the server function sent the browser (`Location`), if anywhere.
    pub location: Option<String>,
    pub body: String,
}

/// The server function whose argument struct is `F`, by name (`create_household`).
pub fn name_of<F: ServerFn>() -> &'static str {
    F::PATH.rsplit('/').next().unwrap_or(F::PATH)
}

impl Client {
    /// Calls the site at `origin` (`http://127.0.0.1:3000`) through `http`; a redirect must be
    /// its answer, not followed (`reqwest::redirect::Policy::none()`).
    pub fn new(origin: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            origin: origin.into(),
            http,
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The HTTP client, for what is not a server function (pages, downloads).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The call of the server function `F` with `args`, ready to send (or to add a header to).
    pub fn request<F: ServerFn + Serialize>(&self, args: &F) -> RequestBuilder {
        self.post(F::PATH).form(args)
    }

    /// The call of the server function named `function` with any `fields`.
    pub fn raw(&self, function: &str, fields: &[(&str, &str)]) -> RequestBuilder {
        self.post(&format!("/api/{function}")).form(fields)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.http
            .post(format!("{}{path}", self.origin))
            .header(header::ORIGIN, &self.origin)
            .header(header::ACCEPT, "application/json")
    }
}

impl Answer {
    /// Reads the whole response: status, `Location` and body.
    pub async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await?;
        Ok(Self {
            status,
            location,
            body,
        })
    }

    pub fn succeeded(&self) -> bool {
        self.status.is_success()
    }

    /// The server function's error, when it answered with one.
    pub fn error(&self) -> Option<AppError> {
        if self.succeeded() {
            return None;
        }
        serde_json::from_str(&self.body).ok()
    }

    /// What the server function `F` answered, read as its output type.
    pub fn output<F>(&self) -> Result<F::Output, serde_json::Error>
    where
        F: ServerFn,
        F::Output: DeserializeOwned,
    {
        serde_json::from_str(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use app::{households::CreateInvite, plans::CastBallot};

    use super::*;

    fn form<F: ServerFn + Serialize>(args: &F) -> (String, String) {
        let client = Client::new("http://site.test", reqwest::Client::new());
        let request = client.request(args).build().unwrap();
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default();
        (
            request.url().to_string(),
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[test]
    fn a_call_posts_the_function_s_own_fields_to_its_own_address() {
        let invite = CreateInvite {
            household_id: "h1".into(),
            expires_in_days: "7".into(),
            single_use: None,
        };
        assert_eq!(
            form(&invite),
            (
                "http://site.test/api/create_invite".to_owned(),
                "household_id=h1&expires_in_days=7".to_owned()
            )
        );
        assert_eq!(name_of::<CreateInvite>(), "create_invite");
    }

    #[test]
    fn flattened_fields_are_sent_as_fields_of_their_own() {
        let ballot = CastBallot {
            household_id: "h1".into(),
            slot_id: "s1".into(),
            ranks: [("rank-o1".to_owned(), "1".to_owned())].into(),
        };
        assert_eq!(form(&ballot).1, "household_id=h1&slot_id=s1&rank-o1=1");
    }
}
