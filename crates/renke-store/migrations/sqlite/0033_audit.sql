-- 审计日志: every change to a row of the audited tables, recorded by triggers in the
-- transaction that made it (renke_store::audit installs them after the migrations, from
-- the schema as it stands): who (account, organisation, role, address, request), what
-- (the use case's action, the table and row, the row it belongs to) and when, with the
-- changed fields as {"field": [before, after]} (secrets left out, long texts cut).
-- Reads of sensitive items are recorded with op 'read'.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    account_id  INTEGER,
    login       TEXT,
    org_id      INTEGER,
    role        TEXT,
    address     TEXT,
    request_id  TEXT,
    action      TEXT,
    op          TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT,
    parent_kind TEXT,
    parent_id   TEXT,
    changes     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id);
CREATE INDEX audit_log_parent ON audit_log (parent_kind, parent_id);
CREATE INDEX audit_log_account ON audit_log (account_id, at);
CREATE INDEX audit_log_org ON audit_log (org_id, at);

-- Who is writing, for the triggers: one row, inserted when a write transaction begins on
-- behalf of someone and deleted before it commits, so no other transaction ever sees it.
CREATE TABLE audit_context (
    at          TEXT NOT NULL,
    account_id  INTEGER,
    login       TEXT,
    org_id      INTEGER,
    role        TEXT,
    address     TEXT,
    request_id  TEXT,
    action      TEXT
);

-- The fingerprint of the installed triggers: reinstalled only when the schema changed.
CREATE TABLE audit_triggers (
    fingerprint TEXT NOT NULL
);
