-- The industry initiative (行业倡议): an association (or a bureau) publishes the text of
-- an initiative for a campaign, optionally tied to one of its activities, addressed to the
-- institutions of the kinds it names in its area (the bureau it belongs to and below).
-- Institutions sign it once each, by an authorised account, with the signer's name and
-- title; a signature may be withdrawn while the initiative is open.
CREATE TABLE publicity_initiatives (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    activity_id   INTEGER REFERENCES activities(id),
    owner_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    -- The kinds of institution addressed, codes joined by commas.
    kinds         TEXT NOT NULL,
    -- The path of the area addressed (a subtree of the organisation tree).
    area_path     TEXT NOT NULL,
    state         TEXT NOT NULL,
    published_by  INTEGER REFERENCES accounts(id),
    published_at  TEXT NOT NULL,
    closed_by     INTEGER REFERENCES accounts(id),
    closed_at     TEXT
);
CREATE INDEX publicity_initiatives_campaign_idx ON publicity_initiatives (campaign_id, published_at);
CREATE INDEX publicity_initiatives_owner_idx ON publicity_initiatives (owner_org_id);

CREATE TABLE publicity_signatures (
    id             INTEGER PRIMARY KEY,
    initiative_id  INTEGER NOT NULL REFERENCES publicity_initiatives(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    signer_name    TEXT NOT NULL,
    signer_title   TEXT NOT NULL,
    signed_by      INTEGER REFERENCES accounts(id),
    signed_at      TEXT NOT NULL,
    -- Signing once per institution.
    CONSTRAINT publicity_signatures_once_key UNIQUE (initiative_id, org_id)
);
CREATE INDEX publicity_signatures_org_idx ON publicity_signatures (org_id);
