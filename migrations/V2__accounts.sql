-- Portal accounts, sessions with refresh-token families, site settings, account syncs and the
-- audit log (issue 6). Nothing here holds a plain password: only Argon2id hashes, and refresh
-- tokens only as SHA-256 digests.

CREATE TABLE accounts (
    id              uuid PRIMARY KEY,
    role            text NOT NULL CHECK (role IN ('client', 'agent', 'supervisor', 'admin')),
    phone           text NOT NULL CHECK (phone ~ '^\+7[0-9]{10}$'),
    name            text NOT NULL,
    -- 1C user (Catalog_Пользователи Ref_Key) of an employee: the Менеджер_Key of their data.
    onec_ref        uuid UNIQUE,
    onec_name       text,
    person_name     text,
    show_on_site    boolean,
    -- Argon2id (PHC string) of the password used to sign in.
    password_hash   text,
    -- Argon2id of the 1C site password last seen by the sync, to notice when 1C changes it.
    onec_password_hash text,
    active          boolean NOT NULL DEFAULT true,
    -- Clients wait for an admin to link partners and approve them.
    approved        boolean NOT NULL DEFAULT true,
    -- A supervisor's team: every agent unless an admin picked some (supervisor_team).
    team_custom     boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz,
    synced_at       timestamptz
);

-- One active account per phone; deactivated ones keep their history.
CREATE UNIQUE INDEX accounts_active_phone ON accounts (phone) WHERE active;
CREATE INDEX accounts_role ON accounts (role);

CREATE TABLE account_partners (
    account_id   uuid NOT NULL REFERENCES accounts (id),
    partner_ref  uuid NOT NULL,
    partner_name text NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, partner_ref)
);

CREATE TABLE supervisor_team (
    supervisor_id uuid NOT NULL REFERENCES accounts (id),
    agent_id      uuid NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (supervisor_id, agent_id)
);

-- One sign-in: a family of refresh tokens.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    account_id      uuid NOT NULL REFERENCES accounts (id),
    kind            text NOT NULL CHECK (kind IN ('browser', 'mobile')),
    device_id       text,
    impersonator_id uuid REFERENCES accounts (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_reason  text
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    digest     bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Set when the token is exchanged; presenting it again revokes the family.
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Versioned site settings (the 1C GUIDs the portal needs); the latest row wins.
CREATE TABLE site_settings (
    id         bigserial PRIMARY KEY,
    settings   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES accounts (id)
);

CREATE TABLE account_syncs (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES accounts (id),
    from_onec   integer NOT NULL,
    created     integer NOT NULL,
    updated     integer NOT NULL,
    deactivated integer NOT NULL,
    unchanged   integer NOT NULL
);

CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor_id  uuid REFERENCES accounts (id),
    action    text NOT NULL,
    target_id uuid REFERENCES accounts (id),
    detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
