-- Two active devices of one station never share a name (the service also compares them case- and accent-form-
-- insensitively; this index is what holds when two admins add the same name at the same moment).
-- A revoked device gives its name back.
CREATE UNIQUE INDEX devices_station_name ON devices (station_id, name) WHERE revoked_at IS NULL;
-- The presence sweep looks only at devices flagged online.
CREATE INDEX devices_online_seen ON devices (last_seen_at) WHERE online;
