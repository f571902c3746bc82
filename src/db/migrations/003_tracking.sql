-- What stations say they aired. (station, event id) is the idempotency key: a re-sent batch counts once.
CREATE TABLE plays (
  station_id   uuid NOT NULL REFERENCES stations (id),
  event_id     text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 100),
  episode_id   uuid NOT NULL REFERENCES episodes (id),
  -- Matched at ingestion (inside the airing's window, with tolerance); NULL = off schedule.
  airing_id    uuid REFERENCES airings (id),
  started_at   timestamptz NOT NULL,
  duration_sec double precision NOT NULL CHECK (duration_sec >= 0),
  source       text NOT NULL CHECK (source IN ('auto', 'manual')),
  kind         text NOT NULL CHECK (kind IN ('rebroadcast', 'partial')),
  -- Another full play of an airing that already aired: kept on record, not counted again.
  repeat       boolean NOT NULL DEFAULT false,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, event_id)
);
CREATE INDEX plays_started ON plays (started_at, station_id);
CREATE INDEX plays_airing ON plays (airing_id) WHERE airing_id IS NOT NULL;
CREATE INDEX airings_station_starts ON airings (starts_at, station_id) WHERE status = 'live';
CREATE INDEX episodes_station ON episodes (station_id, created_at) WHERE station_id IS NOT NULL;
