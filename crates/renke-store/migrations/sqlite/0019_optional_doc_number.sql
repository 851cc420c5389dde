-- no-transaction
-- A notice may have no 发文字号 (无文号), as Shanghai's 2022 publicity notice has none.
-- SQLite cannot drop a NOT NULL: the table is rebuilt (with foreign keys off, as SQLite's
-- own procedure for changing a table asks, in one transaction), keeping every id.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE notices_rebuilt (
    id             INTEGER PRIMARY KEY,
    issuer_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    doc_number     TEXT,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    signature      TEXT,
    written_on     TEXT NOT NULL,
    notes          TEXT,
    publication    TEXT NOT NULL,
    cc             TEXT,
    printed_by     TEXT,
    printed_on     TEXT,
    proofreader    TEXT,
    campaign_id    INTEGER REFERENCES campaigns(id),
    status         TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    supersedes_id  INTEGER REFERENCES notices(id),
    created_by     INTEGER REFERENCES accounts(id),
    issued_by      INTEGER REFERENCES accounts(id),
    issued_at      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    direction      TEXT NOT NULL DEFAULT 'down',
    CONSTRAINT notices_supersedes_id_key UNIQUE (supersedes_id)
);
INSERT INTO notices_rebuilt (id, issuer_org_id, doc_number, title, body, signature, written_on,
    notes, publication, cc, printed_by, printed_on, proofreader, campaign_id, status, version,
    supersedes_id, created_by, issued_by, issued_at, created_at, updated_at, direction)
SELECT id, issuer_org_id, doc_number, title, body, signature, written_on,
    notes, publication, cc, printed_by, printed_on, proofreader, campaign_id, status, version,
    supersedes_id, created_by, issued_by, issued_at, created_at, updated_at, direction
FROM notices;
DROP TABLE notices;
ALTER TABLE notices_rebuilt RENAME TO notices;
CREATE INDEX notices_issuer_idx ON notices (issuer_org_id, status);
CREATE INDEX notices_campaign_idx ON notices (campaign_id);
COMMIT;
PRAGMA foreign_keys = ON;
