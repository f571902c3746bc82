-- Counting a month for every station walks each station's plays in time order; the included columns let it
-- do so from the index alone.
CREATE INDEX plays_station_started ON plays (station_id, started_at) INCLUDE (episode_id, kind, airing_id, repeat);
