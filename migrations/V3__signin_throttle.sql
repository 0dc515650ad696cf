-- Sign-in throttling (issue 12): one counter per key (a phone, an address, …) and fixed window.
-- An attempt is reserved here, under the row's lock, BEFORE the password is checked, so however
-- many guesses arrive at once only the allowed number reach the check.
CREATE TABLE signin_counters (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    attempts     integer NOT NULL
);
CREATE INDEX signin_counters_window ON signin_counters (window_start);
