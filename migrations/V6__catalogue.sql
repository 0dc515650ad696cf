-- The catalogue's copy of 1C's products, their folders, manufacturers, units and packages and
-- attached files (docs/onec.md §3.5–3.10). Written only by the catalogue refresh job
-- (functions/catalogue/src/sync.rs), read by every catalogue page, so listing and search never
-- call 1C. A row that disappears from 1C (deleted or marked for deletion) is kept with
-- `removed` set, never shown.

-- Trigram matching for search by parts of words (a trusted extension: the database owner may
-- create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE catalogue_groups (
    id uuid PRIMARY KEY,
    parent uuid,
    name text NOT NULL,
    data_version text NOT NULL,
    removed boolean NOT NULL DEFAULT false,
    -- Visible products in the group and every group below it (computed by the refresh job); a
    -- group without any is not shown.
    visible_products integer NOT NULL DEFAULT 0
);

CREATE TABLE catalogue_manufacturers (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    data_version text NOT NULL,
    removed boolean NOT NULL DEFAULT false
);

-- Base units and packages: one 1C catalog holds both (docs/onec.md §3.5).
CREATE TABLE catalogue_units (
    id uuid PRIMARY KEY,
    -- The product a package belongs to; NULL for a base unit.
    product uuid,
    name text NOT NULL,
    numerator numeric NOT NULL,
    denominator numeric NOT NULL,
    weight numeric NOT NULL,
    data_version text NOT NULL,
    removed boolean NOT NULL DEFAULT false
);
CREATE INDEX catalogue_units_product ON catalogue_units (product) WHERE NOT removed;

CREATE TABLE catalogue_products (
    id uuid PRIMARY KEY,
    -- The folder the product is in, and every folder above it (for the group filter).
    group_id uuid,
    groups uuid[] NOT NULL DEFAULT '{}',
    name text NOT NULL,
    code text NOT NULL,
    description text NOT NULL,
    unit uuid,
    weighed boolean NOT NULL,
    manufacturer uuid,
    hidden boolean NOT NULL,
    removed boolean NOT NULL DEFAULT false,
    data_version text NOT NULL,
    -- The readable part of the product's address (transliterated name).
    slug text NOT NULL,
    -- Name, code and manufacturer, lower-cased with ё as е: what search matches.
    search text NOT NULL,
    -- The cover picture: the product's last attached file (docs/onec.md §3.7).
    cover uuid,
    first_seen timestamptz NOT NULL DEFAULT now(),
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalogue_products_search ON catalogue_products USING gin (search gin_trgm_ops);
CREATE INDEX catalogue_products_groups ON catalogue_products USING gin (groups);
CREATE INDEX catalogue_products_visible_name ON catalogue_products (name)
    WHERE NOT hidden AND NOT removed;

CREATE TABLE catalogue_files (
    id uuid PRIMARY KEY,
    product uuid NOT NULL,
    path text NOT NULL,
    removed boolean NOT NULL DEFAULT false
);

-- When each data set was last copied from 1C (shown as the data's age).
CREATE TABLE catalogue_refreshes (
    data_set text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL
);
