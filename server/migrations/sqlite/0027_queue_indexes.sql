-- A queue's claim takes the due messages not yet sent, longest due first, a batch at a time
-- (`store::queue`). The index it walks now holds only those messages, in that order, so the
-- claim reads its batch and stops. The old index on (sent_at_ms, next_attempt_ms) served
-- SQLite so, but not PostgreSQL, which cannot take `sent_at_ms IS NULL` as fixing the first
-- column: it gathered every due message and sorted them at each claim, and behind a burst's
-- backlog delivery fell further behind. The janitor finds delivered messages older than a
-- week by their own index, which holds only delivered ones.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_ms) WHERE sent_at_ms IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at_ms) WHERE sent_at_ms IS NOT NULL;
DROP INDEX phone_outbox_due;
CREATE INDEX phone_outbox_due ON phone_outbox (next_attempt_ms) WHERE sent_at_ms IS NULL;
CREATE INDEX phone_outbox_sent ON phone_outbox (sent_at_ms) WHERE sent_at_ms IS NOT NULL;
