-- Poster distribution (海报寄送): a unit mails printed publicity items (世界认可日海报 of a
-- print size) to its addressees — CNAS to every provincial bureau, a province to its city
-- bureaus — one line per addressee with its quantity, courier and tracking number. The
-- addressee confirms receipt (received) and then that the posters are up (posted),
-- optionally with a photo kept in the file store with its thumbnail.
CREATE TABLE publicity_shipments (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id),
    sender_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    item           TEXT NOT NULL,
    print_size     TEXT,
    note           TEXT,
    created_by     INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX publicity_shipments_sender_idx ON publicity_shipments (sender_org_id, created_at);
CREATE INDEX publicity_shipments_campaign_idx ON publicity_shipments (campaign_id);

CREATE TABLE publicity_shipment_lines (
    id           INTEGER PRIMARY KEY,
    shipment_id  INTEGER NOT NULL REFERENCES publicity_shipments(id),
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    quantity     INTEGER NOT NULL,
    courier      TEXT,
    tracking_no  TEXT,
    -- sent, received, posted
    state        TEXT NOT NULL,
    received_by  INTEGER REFERENCES accounts(id),
    received_at  TEXT,
    posted_by    INTEGER REFERENCES accounts(id),
    posted_at    TEXT,
    photo_id     INTEGER REFERENCES files(id),
    thumb_id     INTEGER REFERENCES files(id),
    CONSTRAINT publicity_shipment_lines_addressee_key UNIQUE (shipment_id, org_id)
);
CREATE INDEX publicity_shipment_lines_org_idx ON publicity_shipment_lines (org_id, state);
CREATE INDEX publicity_shipment_lines_state_idx ON publicity_shipment_lines (shipment_id, state);
CREATE INDEX publicity_shipment_lines_photo_idx ON publicity_shipment_lines (photo_id);
CREATE INDEX publicity_shipment_lines_thumb_idx ON publicity_shipment_lines (thumb_id);
