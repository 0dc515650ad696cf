-- The 1C user's DataVersion when its account was last synced: a user whose version has not
-- changed has the same password in 1C, so the sync skips the (slow on purpose) Argon2id check.
ALTER TABLE accounts ADD COLUMN onec_data_version text;
