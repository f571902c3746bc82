-- Users and their API tokens. Tokens are random 256-bit secrets: only their SHA-256 is kept.
CREATE TABLE users (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  role        text NOT NULL CHECK (role IN ('admin', 'editor', 'operator', 'viewer')),
  station_id  uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,
  label        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- An episode row exists only once its original is durably stored (see the upload service).
CREATE TABLE episodes (
  id                     uuid PRIMARY KEY,
  title                  text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  series                 text,
  language               text NOT NULL,
  description            text,
  status                 text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  progress               smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  error_code             text,
  error_message          text,
  duration_sec           double precision,
  original_key           text NOT NULL UNIQUE,
  original_filename      text,
  original_content_type  text,
  original_size_bytes    bigint NOT NULL CHECK (original_size_bytes > 0),
  original_sha256        text NOT NULL,
  created_by             uuid REFERENCES users (id) ON DELETE SET NULL,
  station_id             uuid,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  ready_at               timestamptz,
  CHECK ((status = 'failed') = (error_code IS NOT NULL))
);
CREATE INDEX episodes_status_created ON episodes (status, created_at DESC);
CREATE INDEX episodes_created ON episodes (created_at DESC, id DESC);

-- Rendition keys are derived from (episode, name), so re-running a transcode overwrites rather than duplicates.
CREATE TABLE renditions (
  episode_id      uuid NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (name IN ('mp3', 'opus')),
  object_key      text NOT NULL UNIQUE,
  format          text NOT NULL,
  codec           text NOT NULL,
  mime_type       text NOT NULL,
  bitrate_kbps    integer NOT NULL,
  channels        integer NOT NULL,
  sample_rate     integer NOT NULL,
  duration_sec    double precision NOT NULL,
  size_bytes      bigint NOT NULL,
  sha256          text NOT NULL,
  integrated_lufs double precision NOT NULL,
  true_peak_dbtp  double precision NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (episode_id, name)
);
