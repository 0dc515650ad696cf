-- Agents' location pings, when they are kept in Postgres (the local default; DynamoDB in AWS).
-- Old pings expire: readers ignore rows past expires_at, and a scheduled job deletes them.
CREATE TABLE location_pings (
    agent       text        NOT NULL,
    at          timestamptz NOT NULL,
    latitude    double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    accuracy_m  real        CHECK (accuracy_m >= 0),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (agent, at)
);

CREATE INDEX location_pings_expires_at ON location_pings (expires_at);
