-- Notices (通知) after GB/T 9704-2012, their recipients, deliveries with 签收, relays (转发).
-- An issued notice never changes; a correction is a new row with supersedes_id.

CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    issuer_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    doc_number     TEXT NOT NULL,
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
    CONSTRAINT notices_supersedes_id_key UNIQUE (supersedes_id)
);
CREATE INDEX notices_issuer_idx ON notices (issuer_org_id, status);
CREATE INDEX notices_campaign_idx ON notices (campaign_id);

CREATE TABLE notice_recipients (
    notice_id      INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    children_kind  TEXT,
    label          TEXT,
    PRIMARY KEY (notice_id, position)
);

CREATE TABLE notice_contacts (
    notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT,
    phone      TEXT,
    email      TEXT,
    PRIMARY KEY (notice_id, position)
);

CREATE TABLE notice_attachments (
    notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    PRIMARY KEY (notice_id, position)
);

CREATE TABLE notice_deliveries (
    notice_id        INTEGER NOT NULL REFERENCES notices(id),
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    recipient_pos    INTEGER NOT NULL,
    delivered_at     TEXT NOT NULL,
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES accounts(id),
    PRIMARY KEY (notice_id, org_id)
);
CREATE INDEX notice_deliveries_org_idx ON notice_deliveries (org_id, acknowledged_at);

CREATE TABLE notice_relays (
    notice_id    INTEGER PRIMARY KEY REFERENCES notices(id),
    original_id  INTEGER NOT NULL REFERENCES notices(id)
);
CREATE INDEX notice_relays_original_idx ON notice_relays (original_id);
