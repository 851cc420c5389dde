-- Each registration gets a short ticket code a person can read out and type (8 characters
-- without look-alike letters; the long ticket stays the registrant's secret key), and the
-- digits of its phone number, by which a registrant asks for the way back to their tickets.
-- SQLite cannot add a NOT NULL column without a default: every write sets the code.
ALTER TABLE registrations ADD COLUMN code TEXT;
ALTER TABLE registrations ADD COLUMN phone_key TEXT;
UPDATE registrations SET
    code = replace(replace(hex(randomblob(4)), '0', 'W'), '1', 'X'),
    phone_key = NULLIF(replace(replace(replace(replace(replace(replace(replace(COALESCE(phone, ''),
        ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '（', ''), '）', ''), '');
CREATE UNIQUE INDEX registrations_code_key ON registrations (code);
CREATE INDEX registrations_phone_key_idx ON registrations (phone_key);
CREATE INDEX registrations_email_idx ON registrations (lower(email));
-- An online session's registrants are mailed its link once, shortly before the start.
CREATE UNIQUE INDEX registration_messages_link_key ON registration_messages (registration_id)
    WHERE kind = 'link';
