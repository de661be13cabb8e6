//! The plan's deadline in whole seconds, as the proposal form takes it.

use std::time::Duration;

use time::OffsetDateTime;

pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub(super) fn round_up_to_second(ms: i64) -> i64 {
    (ms + 999).div_euclid(1_000) * 1_000
}

pub(super) fn utc(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1_000)).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
