-- An alert is sent twice, when it opens and when it resolves: each event keeps its own delivery mark
-- (notified_at is the opened event's).
ALTER TABLE alerts ADD COLUMN resolved_notified_at timestamptz;
-- The alert tick reads the misses reported since a day ago; the alerts page filters by station.
CREATE INDEX airing_misses_received ON airing_misses (received_at);
CREATE INDEX alerts_station_opened ON alerts (station_id, opened_at DESC);
-- Events not yet delivered to the alert webhook (re-queued by the tick if their job was lost).
CREATE INDEX alerts_undelivered ON alerts (opened_at)
  WHERE notified_at IS NULL OR (resolved_at IS NOT NULL AND resolved_notified_at IS NULL);
