-- A commune station drives one or more loudspeaker clusters (devices), each with its own agent and token.
CREATE TABLE devices (
  id            uuid PRIMARY KEY,
  station_id    uuid NOT NULL REFERENCES stations (id),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- NULL once revoked: a revoked device keeps its history but can no longer sign in.
  token_hash    text UNIQUE,
  -- The device that holds what used to be the station's own token.
  is_primary    boolean NOT NULL DEFAULT false,
  revoked_at    timestamptz,
  -- Any sign of life: a heartbeat, the live channel opening or closing, a manifest poll.
  last_seen_at  timestamptz,
  -- The presence state last written to device_presence, and since when.
  online        boolean NOT NULL DEFAULT false,
  online_since  timestamptz,
  -- The latest heartbeat as the agent sent it (WireHeartbeat).
  health        jsonb,
  health_at     timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_station ON devices (station_id);

-- The existing station token keeps working: it becomes the station's first device.
INSERT INTO devices (id, station_id, name, token_hash, is_primary, created_at)
  SELECT gen_random_uuid(), id, 'Cụm loa 1', token_hash, true, created_at FROM stations;
ALTER TABLE stations ALTER COLUMN token_hash DROP NOT NULL;
UPDATE stations SET token_hash = NULL;

-- Append-only: every online/offline transition of a device.
CREATE TABLE device_presence (
  device_id  uuid NOT NULL REFERENCES devices (id),
  at         timestamptz NOT NULL,
  online     boolean NOT NULL,
  PRIMARY KEY (device_id, at)
);

-- Which device reported a play (NULL for manual marks and for plays reported before devices existed).
ALTER TABLE plays ADD COLUMN device_id uuid REFERENCES devices (id);

-- An airing a device could not play, with why. (station, event id) is the idempotency key, as for plays.
CREATE TABLE airing_misses (
  station_id  uuid NOT NULL REFERENCES stations (id),
  event_id    text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 100),
  device_id   uuid REFERENCES devices (id),
  airing_id   uuid REFERENCES airings (id),
  episode_id  uuid NOT NULL REFERENCES episodes (id),
  scheduled_at timestamptz NOT NULL,
  reason      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, event_id)
);
CREATE INDEX airing_misses_airing ON airing_misses (airing_id);

-- "Play now": an emergency plan made and approved in one action.
ALTER TABLE plans ADD COLUMN source text NOT NULL DEFAULT 'plan' CHECK (source IN ('plan', 'play_now'));
ALTER TABLE plans ADD COLUMN stopped_at timestamptz;

-- Things a duty officer must know: a device offline too long, an airing missed, a file not on a device in time.
CREATE TABLE alerts (
  id           uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('device_offline', 'airing_missed', 'file_not_delivered')),
  -- One open alert per subject: e.g. 'device_offline:<deviceId>', 'airing_missed:<airingId>:<deviceId>'.
  subject      text NOT NULL,
  station_id   uuid NOT NULL REFERENCES stations (id),
  device_id    uuid REFERENCES devices (id),
  airing_id    uuid REFERENCES airings (id),
  details      jsonb NOT NULL DEFAULT '{}',
  opened_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz,
  notified_at  timestamptz
);
CREATE UNIQUE INDEX alerts_open_subject ON alerts (subject) WHERE resolved_at IS NULL;
CREATE INDEX alerts_opened ON alerts (opened_at DESC);
