-- The batch looks for due webhook deliveries every minute or so (docs/notifications.md). Delivered
-- and abandoned rows stay for the record and keep their last `next_attempt_at`, so an index on
-- `next_attempt_at` alone would make each look-up walk every delivery ever made; this one holds
-- only the pending rows. Both engines use a partial index when the query repeats its condition.
create index webhook_deliveries_pending on webhook_deliveries (next_attempt_at)
    where delivered_at is null and abandoned_at is null;
