-- Foundation: the organisation tree, accounts, sessions, API tokens, campaigns.
-- Timestamps are RFC 3339 text in UTC; dates are ISO text.

CREATE TABLE orgs (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    parent_id     INTEGER REFERENCES orgs(id),
    path          TEXT NOT NULL,
    depth         INTEGER NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT,
    name_en       TEXT,
    kind          TEXT NOT NULL,
    admin_level   TEXT,
    cma_level     TEXT,
    region        TEXT NOT NULL DEFAULT 'mainland',
    contact_name  TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT orgs_code_key UNIQUE (code),
    CONSTRAINT orgs_path_key UNIQUE (path)
);
CREATE INDEX orgs_parent_idx ON orgs (parent_id, name);
CREATE INDEX orgs_kind_path_idx ON orgs (kind, path);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    role          TEXT NOT NULL,
    email         TEXT,
    phone         TEXT,
    password_hash TEXT NOT NULL,
    locale        TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT accounts_login_key UNIQUE (login)
);
CREATE INDEX accounts_org_idx ON accounts (org_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_login_idx ON login_failures (login, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

CREATE TABLE campaigns (
    id                  INTEGER PRIMARY KEY,
    title               TEXT NOT NULL,
    edition             INTEGER,
    day                 TEXT NOT NULL,
    international_theme TEXT,
    domestic_theme      TEXT,
    owner_org_id        INTEGER NOT NULL REFERENCES orgs(id),
    public              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX campaigns_owner_idx ON campaigns (owner_org_id);
CREATE INDEX campaigns_public_day_idx ON campaigns (public, day);

CREATE TABLE campaign_local_themes (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    theme       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, org_id)
);
