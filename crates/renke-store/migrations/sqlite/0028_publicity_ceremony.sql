-- The certificate ceremony (集中颁证仪式): the certified organisations presented at a
-- ceremony activity (e.g. 上海品牌 certificates), each with its certificate number — unique
-- within the ceremony, compared by its key (no spaces, upper case, full-width as ASCII) —
-- scope and certification body. Shown on the campaign's public page; anyone verifies a
-- number on its verification page.
CREATE TABLE publicity_certificates (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities(id),
    organisation  TEXT NOT NULL,
    number        TEXT NOT NULL,
    number_key    TEXT NOT NULL,
    scope         TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL,
    CONSTRAINT publicity_certificates_number_key UNIQUE (activity_id, number_key)
);
CREATE INDEX publicity_certificates_key_idx ON publicity_certificates (number_key);
