-- 催办: per-task reminder plans, the record of every reminder sent (unique per task, unit
-- and slot, so a rerun never sends one twice) and the in-app messages they leave.

CREATE TABLE task_reminder_plans (
    task_id     INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    plan        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    slot        TEXT NOT NULL,
    notified_org_id INTEGER NOT NULL REFERENCES orgs(id),
    emails      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    CONSTRAINT reminders_task_id_org_id_slot_key UNIQUE (task_id, org_id, slot)
);
CREATE INDEX reminders_org_idx ON reminders (notified_org_id, created_at);
CREATE INDEX reminders_task_slot_idx ON reminders (task_id, slot);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    reminder_id INTEGER REFERENCES reminders(id),
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    read_by     INTEGER REFERENCES accounts(id)
);
CREATE INDEX messages_org_idx ON messages (org_id, created_at);
