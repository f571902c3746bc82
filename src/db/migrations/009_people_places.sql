-- People and places: an area tree above the stations, accounts that sign in, server-side sessions and an audit log.

-- Since July 2025 local government has two levels (province → merged commune); some installations keep a former
-- district as a grouping between them. Every station belongs to one area; stations from before this migration go
-- under the root area, which an admin then files properly.
CREATE TABLE areas (
  id         uuid PRIMARY KEY,
  parent_id  uuid REFERENCES areas (id),
  kind       text NOT NULL CHECK (kind IN ('root', 'province', 'grouping', 'commune')),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The official administrative code where there is one (province: 2 digits, commune: 5).
  code       text UNIQUE CHECK (code ~ '^[0-9]{2,5}$'),
  -- '/<root id>/<…>/<own id>/': "everything below X" is a prefix match, in SQL and in the access module alike.
  path       text NOT NULL UNIQUE,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'root') = (parent_id IS NULL))
);
CREATE UNIQUE INDEX areas_one_root ON areas ((kind)) WHERE kind = 'root';
CREATE INDEX areas_parent ON areas (parent_id);

INSERT INTO areas (id, parent_id, kind, name, path)
VALUES ('00000000-0000-4000-8000-000000000001', NULL, 'root', 'Toàn hệ thống', '/00000000-0000-4000-8000-000000000001/');

ALTER TABLE stations ADD COLUMN area_id uuid REFERENCES areas (id);
UPDATE stations SET area_id = '00000000-0000-4000-8000-000000000001';
ALTER TABLE stations ALTER COLUMN area_id SET NOT NULL;
ALTER TABLE stations ALTER COLUMN area_id SET DEFAULT '00000000-0000-4000-8000-000000000001';
CREATE INDEX stations_area ON stations (area_id);

-- Users sign in with a login name and a password (argon2id); `name` stays as the display name.
ALTER TABLE users ADD COLUMN login text;
UPDATE users SET login = lower(regexp_replace(name, '[^A-Za-z0-9_.@-]+', '.', 'g')) || '.' || substr(id::text, 1, 8);
ALTER TABLE users ALTER COLUMN login SET NOT NULL;
CREATE UNIQUE INDEX users_login ON users (lower(login));
ALTER TABLE users ADD COLUMN password_hash text;
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
ALTER TABLE users ADD COLUMN area_id uuid REFERENCES areas (id);
UPDATE users u SET area_id = COALESCE((SELECT s.area_id FROM stations s WHERE s.id = u.station_id), '00000000-0000-4000-8000-000000000001');
ALTER TABLE users ALTER COLUMN area_id SET NOT NULL;
ALTER TABLE users ALTER COLUMN area_id SET DEFAULT '00000000-0000-4000-8000-000000000001';
ALTER TABLE users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A signed-in browser: the cookie holds a random id, only its hash is stored, so a leaked table signs no one in.
CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Plans may target areas ("every commune under X"); the stations they resolved to are in plan_stations as before.
CREATE TABLE plan_areas (
  plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  area_id uuid NOT NULL REFERENCES areas (id),
  PRIMARY KEY (plan_id, area_id)
);

-- Who changed what, when, from where. Append-only: the database itself refuses updates and deletes.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid,
  actor_name  text NOT NULL,
  actor_role  text,
  ip          text,
  request_id  text,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  area_path   text,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
