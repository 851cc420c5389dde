-- How each account hears of its messages by e-mail (off, hourly, daily), and up to when
-- its last digest was made.
ALTER TABLE accounts ADD COLUMN mail_digest TEXT NOT NULL DEFAULT 'daily';
ALTER TABLE accounts ADD COLUMN mail_digest_through TEXT;
