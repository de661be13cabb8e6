//! Each subject's version, read by the poll in one statement that is also its membership check:
//! no row when the member has left the household (or was removed), when their session was ended
//! since the key was issued ("sign out everywhere", a password change), or when the plan or slot
//! is not the household's.

use std::sync::LazyLock;

use app::ids::HouseholdId;

use super::Subject;
use crate::db::{Store, StoreError};

/// The member (`$1`), still a member of household `$2`, whose sessions are valid since `$4`: the
/// part every subject's statement shares.
const MEMBER: &str = r"join memberships m on m.household_id = p.household_id and m.user_id = $1
              join users u on u.id = m.user_id and u.sessions_valid_from <= $4";

impl Subject {
    /// The statement reading this subject's version, for id `$3`, made once.
    fn statement(self) -> &'static str {
        static STATEMENTS: LazyLock<[String; 3]> =
            LazyLock::new(|| [Subject::List, Subject::Plan, Subject::Slot].map(Subject::sql));
        &STATEMENTS[self as usize]
    }

    fn sql(self) -> String {
        match self {
            // A list's lines are never deleted and each change bumps its line's revision.
            Self::List => format!(
                r"select cast(coalesce((select sum(l.revision) from shopping_lines l
                                         where l.plan_id = p.id), 0) as bigint)
                  from plans p {MEMBER}
                  where p.id = $3 and p.household_id = $2"
            ),
            // Every ballot, close and nudge takes its slot's turn, which bumps its revision.
            Self::Plan => format!(
                r"select cast(coalesce((select sum(s.revision) from slots s
                                         where s.plan_id = p.id), 0) as bigint)
                  from plans p {MEMBER}
                  where p.id = $3 and p.household_id = $2"
            ),
            Self::Slot => format!(
                r"select s.revision from slots s join plans p on p.id = s.plan_id {MEMBER}
                  where s.id = $3 and p.household_id = $2"
            ),
        }
    }
}

impl Store {
    /// `subject` `id`'s version for the member `user`, whose session signed in at
    /// `signed_in_at_ms`; `None` when they may not see it (see the module's documentation).
    #[tracing::instrument(name = "store.live_version", skip_all, fields(subject = subject.as_str()))]
    pub(super) async fn live_version(
        &self,
        subject: Subject,
        user: &str,
        household: &HouseholdId,
        id: &str,
        signed_in_at_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(subject.statement())
            .bind(user)
            .bind(household.as_str())
            .bind(id)
            .bind(signed_in_at_ms)
            .fetch_optional(&mut *self.acquire().await?)
            .await?)
    }
}
