-- Sign-in security: API tokens expire; failed logins are kept (not deleted on success) so
-- the account and its administrators see them, and a success from one address clears the
-- slowdown of that address only; an account's last login marks what it has already seen;
-- a message may be addressed to one account rather than to its whole organisation.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = created_at + INTERVAL '90 days';
ALTER TABLE login_failures ADD COLUMN cleared BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX login_failures_pair_idx ON login_failures (login, ip, at);
ALTER TABLE accounts ADD COLUMN last_login_at TIMESTAMPTZ;
ALTER TABLE messages ADD COLUMN account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE;
CREATE INDEX messages_account_idx ON messages (account_id, created_at);
