-- The scheduled refresh's log (functions/prewarm): each run, each of its steps with its figures
-- or error, and the steps an admin asked to run now (picked up by the next run).

CREATE TABLE sync_runs (
    id           bigserial PRIMARY KEY,
    -- `schedule`, `requested`, `start` (the local runner's first run)…
    trigger      text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);

CREATE TABLE sync_steps (
    run_id        bigint NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    step          text NOT NULL,
    started_at    timestamptz NOT NULL,
    duration_ms   bigint,
    rows_read     bigint NOT NULL DEFAULT 0,
    rows_changed  bigint NOT NULL DEFAULT 0,
    onec_calls    integer NOT NULL DEFAULT 0,
    -- NULL: succeeded (or still running while duration_ms is NULL).
    error         text,
    PRIMARY KEY (run_id, step)
);
CREATE INDEX sync_steps_step_ok ON sync_steps (step, started_at DESC) WHERE error IS NULL;

CREATE TABLE sync_requests (
    id            bigserial PRIMARY KEY,
    step          text NOT NULL,
    requested_by  uuid,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    -- The run that took it; NULL while waiting.
    run_id        bigint REFERENCES sync_runs (id) ON DELETE SET NULL
);
CREATE INDEX sync_requests_waiting ON sync_requests (requested_at) WHERE run_id IS NULL;
