-- Pings from the phone app carry their own id (a UUID): the key that makes a resent batch store
-- nothing twice. Rows from before get a random one. Speed and battery are optional extras.
ALTER TABLE location_pings ADD COLUMN id uuid;
UPDATE location_pings SET id = gen_random_uuid() WHERE id IS NULL;
ALTER TABLE location_pings ALTER COLUMN id SET NOT NULL;
ALTER TABLE location_pings DROP CONSTRAINT location_pings_pkey;
ALTER TABLE location_pings ADD PRIMARY KEY (id);
CREATE INDEX location_pings_agent_at ON location_pings (agent, at);
ALTER TABLE location_pings ADD COLUMN speed_mps real CHECK (speed_mps >= 0);
ALTER TABLE location_pings ADD COLUMN battery real CHECK (battery BETWEEN 0 AND 1);
