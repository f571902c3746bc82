CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Service-wide secrets generated once, shared by every process through the database (e.g. media link signing).
CREATE TABLE service_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stations (
  id              uuid PRIMARY KEY,
  code            text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{5}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone        text NOT NULL,
  grid            jsonb NOT NULL DEFAULT '[]',
  webhook_url     text,
  -- The signing key must be usable to sign, so it cannot be hashed; it never leaves the API after creation.
  webhook_secret  text NOT NULL,
  token_hash      text NOT NULL UNIQUE,
  rendition       text NOT NULL DEFAULT 'mp3' CHECK (rendition IN ('mp3', 'opus')),
  active          boolean NOT NULL DEFAULT true,
  -- Bumped whenever anything in the station's manifest may have changed.
  schedule_rev    bigint NOT NULL DEFAULT 0,
  last_contact_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE users ADD CONSTRAINT users_station_fk FOREIGN KEY (station_id) REFERENCES stations (id);
ALTER TABLE episodes ADD CONSTRAINT episodes_station_fk FOREIGN KEY (station_id) REFERENCES stations (id);

CREATE TABLE plans (
  id                  uuid PRIMARY KEY,
  episode_id          uuid NOT NULL REFERENCES episodes (id),
  status              text NOT NULL CHECK (status IN ('draft', 'approved', 'cancelled')),
  priority            text NOT NULL CHECK (priority IN ('normal', 'priority', 'emergency')),
  airings_per_station integer NOT NULL CHECK (airings_per_station BETWEEN 1 AND 100),
  from_date           date NOT NULL,
  to_date             date NOT NULL CHECK (to_date >= from_date),
  min_gap_sec         integer NOT NULL CHECK (min_gap_sec >= 0),
  all_stations        boolean NOT NULL,
  created_by          uuid REFERENCES users (id) ON DELETE SET NULL,
  approved_by         uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  approved_at         timestamptz,
  cancelled_at        timestamptz
);

CREATE TABLE plan_stations (
  plan_id          uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  station_id       uuid NOT NULL REFERENCES stations (id),
  requested        integer NOT NULL,
  placed           integer NOT NULL,
  shortfall_reason text,
  shortfall_message text,
  shortfall_message_vi text,
  PRIMARY KEY (plan_id, station_id)
);

-- draft: planned, not yet sent; live: approved, in manifests; cancelled: kept for the record.
CREATE TABLE airings (
  id          uuid PRIMARY KEY,
  plan_id     uuid NOT NULL REFERENCES plans (id),
  station_id  uuid NOT NULL REFERENCES stations (id),
  episode_id  uuid NOT NULL REFERENCES episodes (id),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
  priority    text NOT NULL CHECK (priority IN ('normal', 'priority', 'emergency')),
  status      text NOT NULL CHECK (status IN ('draft', 'live', 'cancelled')),
  slot_index  integer,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- The database itself refuses two overlapping airings of one station, whatever code path tries.
  CONSTRAINT airings_no_overlap EXCLUDE USING gist (station_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status <> 'cancelled')
);
CREATE INDEX airings_station_time ON airings (station_id, starts_at) WHERE status = 'live';
CREATE INDEX airings_plan ON airings (plan_id);

-- What each station has downloaded: merged byte ranges, complete when they cover the file.
CREATE TABLE deliveries (
  station_id   uuid NOT NULL REFERENCES stations (id),
  episode_id   uuid NOT NULL REFERENCES episodes (id),
  rendition    text NOT NULL,
  size_bytes   bigint NOT NULL,
  ranges       jsonb NOT NULL DEFAULT '[]',
  bytes_served bigint NOT NULL DEFAULT 0,
  completed_at timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, episode_id, rendition)
);

-- The last push to each station: what was tried, what got through.
CREATE TABLE pushes (
  station_id        uuid PRIMARY KEY REFERENCES stations (id),
  wanted_version    text,
  attempts          integer NOT NULL DEFAULT 0,
  last_attempt_at   timestamptz,
  last_result       text,
  last_status_code  integer,
  delivered_version text,
  delivered_rev     bigint,
  delivered_at      timestamptz,
  -- When the delivered document goes stale by itself (an airing ends, another comes within the window).
  next_change_at    timestamptz
);
