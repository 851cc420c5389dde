-- Each registration gets a short ticket code a person can read out and type (8 characters
-- without look-alike letters; the long ticket stays the registrant's secret key), and the
-- digits of its phone number, by which a registrant asks for the way back to their tickets.
ALTER TABLE registrations ADD COLUMN code TEXT;
ALTER TABLE registrations ADD COLUMN phone_key TEXT;
UPDATE registrations SET
    code = translate(upper(substr(md5(random()::text || id::text), 1, 8)), '01', 'WX'),
    phone_key = NULLIF(regexp_replace(COALESCE(phone, ''), '[^0-9]', '', 'g'), '');
ALTER TABLE registrations ALTER COLUMN code SET NOT NULL;
CREATE UNIQUE INDEX registrations_code_key ON registrations (code);
CREATE INDEX registrations_phone_key_idx ON registrations (phone_key);
CREATE INDEX registrations_email_idx ON registrations (lower(email));
-- An online session's registrants are mailed its link once, shortly before the start.
CREATE UNIQUE INDEX registration_messages_link_key ON registration_messages (registration_id)
    WHERE kind = 'link';
