//! Requests with one extra header, for tests that send what a proxy or an operator adds.

use super::{Answer, Person, answer};

impl Person {
    /// [`Person::call`] with the extra header `(name, value)`: `X-Forwarded-For` behind a proxy
    /// (`BEHIND_PROXY=true`), or the operator's `X-Finalize-Secret`.
    pub async fn call_with_header(
        &self,
        function: &str,
        fields: &[(&str, &str)],
        (name, value): (&str, &str),
    ) -> Answer {
        let response = self
            .client
            .post(self.url(&format!("/api/{function}")))
            .header(reqwest::header::ORIGIN, self.url(""))
            .header(reqwest::header::ACCEPT, "application/json")
            .header(name, value)
            .form(fields)
            .send()
            .await
            .expect("request");
        answer(response).await
    }
}
