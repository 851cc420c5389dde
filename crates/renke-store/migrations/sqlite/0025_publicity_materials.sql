-- The materials library of a campaign (宣传资料): photos, videos (a file or a link),
-- posters, news drafts, clippings and documents. A unit uploads; the administration
-- directly above it reviews (accepted, or returned with a reason and resubmitted) and
-- publishes; the campaign's organiser adds official material, published at once. Published
-- material is in the campaign's public download zone, which counts its downloads.
CREATE TABLE publicity_materials (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    activity_id   INTEGER REFERENCES activities(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    -- Tags joined by commas (a tag never holds one).
    tags          TEXT NOT NULL DEFAULT '',
    consent       TEXT,
    link          TEXT,
    file_id       INTEGER REFERENCES files(id),
    thumb_id      INTEGER REFERENCES files(id),
    official      BOOLEAN NOT NULL DEFAULT FALSE,
    state         TEXT NOT NULL,
    reason        TEXT,
    downloads     INTEGER NOT NULL DEFAULT 0,
    submitted_by  INTEGER REFERENCES accounts(id),
    submitted_at  TEXT NOT NULL,
    -- Who accepted, returned or withdrew it, and when.
    decided_by    INTEGER REFERENCES accounts(id),
    decided_at    TEXT,
    published_by  INTEGER REFERENCES accounts(id),
    published_at  TEXT
);
CREATE INDEX publicity_materials_campaign_idx ON publicity_materials (campaign_id, state);
CREATE INDEX publicity_materials_org_idx ON publicity_materials (org_id, submitted_at);
CREATE INDEX publicity_materials_file_idx ON publicity_materials (file_id);
CREATE INDEX publicity_materials_thumb_idx ON publicity_materials (thumb_id);
