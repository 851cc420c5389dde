-- Activities and events (活动): organisers, venues with participants, sessions with
-- capacity, registrations with a waiting list, idempotent check-ins, video-conference
-- debugging slots with each branch venue's readiness, and an outbox of registration
-- messages (confirmation, promotion) for the mail queue.

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id),
    owner_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    schedule_kind  TEXT NOT NULL,
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL,
    period_label   TEXT,
    mode           TEXT NOT NULL,
    audience       TEXT,
    audience_roles TEXT NOT NULL DEFAULT '',
    form_fields    TEXT NOT NULL DEFAULT 'name',
    public         BOOLEAN NOT NULL DEFAULT FALSE,
    notice_id      INTEGER REFERENCES notices(id),
    task_id        INTEGER,
    created_by     INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX activities_campaign_idx ON activities (campaign_id, starts_at);
CREATE INDEX activities_owner_idx ON activities (owner_org_id, starts_at);

CREATE TABLE activity_organisers (
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    role         TEXT NOT NULL,
    org_id       INTEGER REFERENCES orgs(id),
    name         TEXT,
    PRIMARY KEY (activity_id, position)
);
CREATE INDEX activity_organisers_org_idx ON activity_organisers (org_id);

CREATE TABLE activity_venues (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    org_id       INTEGER REFERENCES orgs(id),
    address      TEXT,
    room         TEXT,
    capacity     INTEGER,
    url          TEXT,
    CONSTRAINT activity_venues_org_key UNIQUE (activity_id, org_id)
);
CREATE INDEX activity_venues_activity_idx ON activity_venues (activity_id, position);

CREATE TABLE venue_participants (
    venue_id     INTEGER NOT NULL REFERENCES activity_venues(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    category     TEXT NOT NULL,
    org_id       INTEGER REFERENCES orgs(id),
    label        TEXT NOT NULL,
    attended     BOOLEAN,
    PRIMARY KEY (venue_id, position)
);

CREATE TABLE activity_sessions (
    id                      INTEGER PRIMARY KEY,
    activity_id             INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    title                   TEXT NOT NULL,
    starts_at               TEXT NOT NULL,
    ends_at                 TEXT NOT NULL,
    capacity                INTEGER,
    registration_closes_at  TEXT,
    venue_id                INTEGER REFERENCES activity_venues(id),
    city                    TEXT,
    online_url              TEXT
);
CREATE INDEX activity_sessions_activity_idx ON activity_sessions (activity_id, starts_at);

CREATE TABLE registrations (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES activity_sessions(id),
    activity_id    INTEGER NOT NULL REFERENCES activities(id),
    status         TEXT NOT NULL,
    name           TEXT NOT NULL,
    company        TEXT,
    position       TEXT,
    phone          TEXT,
    email          TEXT,
    attendance     TEXT,
    audience_role  TEXT,
    dedupe_key     TEXT NOT NULL,
    ticket         TEXT NOT NULL,
    account_id     INTEGER REFERENCES accounts(id),
    created_at     TEXT NOT NULL,
    promoted_at    TEXT,
    cancelled_at   TEXT,
    CONSTRAINT registrations_ticket_key UNIQUE (ticket)
);
CREATE UNIQUE INDEX registrations_person_key ON registrations (session_id, dedupe_key)
    WHERE status <> 'cancelled';
CREATE INDEX registrations_session_idx ON registrations (session_id, status, id);

CREATE TABLE checkins (
    client_id        TEXT PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations(id),
    session_id       INTEGER NOT NULL REFERENCES activity_sessions(id),
    method           TEXT NOT NULL,
    checked_in_at    TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    by_account       INTEGER REFERENCES accounts(id),
    CONSTRAINT checkins_registration_key UNIQUE (registration_id)
);
CREATE INDEX checkins_session_idx ON checkins (session_id);

CREATE TABLE debug_slots (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    starts_at    TEXT NOT NULL
);

CREATE TABLE venue_checks (
    venue_id          INTEGER NOT NULL REFERENCES activity_venues(id) ON DELETE CASCADE,
    slot_id           INTEGER NOT NULL REFERENCES debug_slots(id) ON DELETE CASCADE,
    readiness         TEXT NOT NULL,
    test_confirmed    BOOLEAN NOT NULL DEFAULT FALSE,
    technician_name   TEXT,
    technician_phone  TEXT,
    note              TEXT,
    updated_by        INTEGER REFERENCES accounts(id),
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (venue_id, slot_id)
);

CREATE TABLE registration_messages (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations(id),
    kind             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX registration_messages_pending_idx ON registration_messages (sent_at, id);
