-- Search (检索): one row per searchable item — a notice, an activity, a publicity material,
-- a published news item, later cases and the initiative — written in the same transaction
-- as the item. `tokens` holds the words of its title and body as jieba cuts them
-- (renke_domain::search::index_tokens), space-joined, each once; PostgreSQL indexes the
-- same words, so both databases find the same items. `public` rows are shown to anyone;
-- the others to whom the policy lets read them (owner_org_id is the issuer, the uploader,
-- the activity's owner).
CREATE TABLE search_index (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    item_id       INTEGER NOT NULL,
    campaign_id   INTEGER REFERENCES campaigns(id),
    owner_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    public        BOOLEAN NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    tokens        TEXT NOT NULL,
    -- When the item was issued, published or (an activity) starts: results newest first.
    at            TEXT NOT NULL,
    UNIQUE (kind, item_id)
);
CREATE INDEX search_index_owner_idx ON search_index (owner_org_id);
CREATE INDEX search_index_campaign_idx ON search_index (campaign_id, public);

-- The full-text index over `tokens`, kept in step by the triggers below. The words are cut
-- already: the ascii tokenizer splits at the spaces only (every non-ASCII character is a
-- word character) and the words hold letters and digits only.
CREATE VIRTUAL TABLE search_fts USING fts5(
    tokens,
    content = 'search_index',
    content_rowid = 'id',
    tokenize = 'ascii'
);
CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
    INSERT INTO search_fts (rowid, tokens) VALUES (new.id, new.tokens);
END;
CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN
    INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
END;
CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN
    INSERT INTO search_fts (search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
    INSERT INTO search_fts (rowid, tokens) VALUES (new.id, new.tokens);
END;
