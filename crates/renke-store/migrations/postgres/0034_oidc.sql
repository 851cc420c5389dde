-- OpenID Connect sign-in. An account may carry an external id (工号, a staff number the
-- unified identity platform also knows), unique when set, which a first sign-in is matched
-- by; the link it then makes is the provider's issuer and subject, unique, matched on every
-- later sign-in. A pending sign-in (the browser is at the provider) is a row keyed by the
-- digest of its `state`, so that the callback may reach another server; it is taken once.
-- A session opened by such a sign-in keeps its ID token, for the provider's logout.
ALTER TABLE accounts ADD COLUMN external_id TEXT;
ALTER TABLE accounts ADD COLUMN oidc_issuer TEXT;
ALTER TABLE accounts ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX accounts_external_id_key ON accounts (external_id);
CREATE UNIQUE INDEX accounts_oidc_issuer_oidc_subject_key ON accounts (oidc_issuer, oidc_subject);

CREATE TABLE oidc_logins (
    state_hash   TEXT PRIMARY KEY,
    verifier     TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_logins_created_idx ON oidc_logins (created_at);

ALTER TABLE sessions ADD COLUMN id_token TEXT;
