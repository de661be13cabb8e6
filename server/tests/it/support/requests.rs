//! Requests with one extra header, for tests that send what a proxy or an operator adds.

use super::{Answer, Person, send};

impl Person {
    /// [`Person::call`] with the extra header `(name, value)`: `X-Forwarded-For` behind a proxy
    /// (`BEHIND_PROXY=true`), or the operator's `X-Finalize-Secret`.
    pub async fn call_with_header(
        &self,
        function: &str,
        fields: &[(&str, &str)],
        (name, value): (&str, &str),
    ) -> Answer {
        send(self.client.raw(function, fields).header(name, value)).await
    }
}
