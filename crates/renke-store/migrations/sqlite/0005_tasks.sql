-- Reporting tasks (报送任务) attached to notices, submissions with every version kept, and the
-- sources of a compiled (roll-up) submission. Recipients of a task are the deliveries of its
-- notice, or the subset listed in task_recipients. Times are UTC.

CREATE TABLE tasks (
    id                    INTEGER PRIMARY KEY,
    notice_id             INTEGER NOT NULL REFERENCES notices(id),
    parent_task_id        INTEGER REFERENCES tasks(id),
    kind                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    instructions          TEXT,
    deadline              TEXT NOT NULL,
    submit_to_org_id      INTEGER NOT NULL REFERENCES orgs(id),
    submit_to_dept        TEXT,
    length_target         INTEGER,
    length_tolerance      INTEGER,
    attachments           TEXT NOT NULL,
    attachment_types      TEXT NOT NULL DEFAULT '',
    attachment_max_bytes  BIGINT NOT NULL,
    paper_required        BOOLEAN NOT NULL DEFAULT FALSE,
    all_recipients        BOOLEAN NOT NULL DEFAULT TRUE,
    created_by            INTEGER REFERENCES accounts(id),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CONSTRAINT tasks_notice_id_parent_task_id_key UNIQUE (notice_id, parent_task_id)
);
CREATE INDEX tasks_notice_idx ON tasks (notice_id);
CREATE INDEX tasks_parent_idx ON tasks (parent_task_id);
CREATE INDEX tasks_deadline_idx ON tasks (deadline);

CREATE TABLE task_recipients (
    task_id  INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (task_id, org_id)
);

CREATE TABLE submissions (
    id                  INTEGER PRIMARY KEY,
    task_id             INTEGER NOT NULL REFERENCES tasks(id),
    org_id              INTEGER NOT NULL REFERENCES orgs(id),
    status              TEXT NOT NULL,
    summary             TEXT,
    body                TEXT,
    activities          BIGINT,
    participants        BIGINT,
    publicity_items     BIGINT,
    compiled            BOOLEAN NOT NULL DEFAULT FALSE,
    version             INTEGER NOT NULL DEFAULT 0,
    first_submitted_at  TEXT,
    submitted_at        TEXT,
    late                BOOLEAN NOT NULL DEFAULT FALSE,
    paper_received_on   TEXT,
    paper_recorded_by   INTEGER REFERENCES accounts(id),
    paper_recorded_at   TEXT,
    created_by          INTEGER REFERENCES accounts(id),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CONSTRAINT submissions_task_id_org_id_key UNIQUE (task_id, org_id)
);
CREATE INDEX submissions_org_idx ON submissions (org_id);

CREATE TABLE submission_versions (
    submission_id    INTEGER NOT NULL REFERENCES submissions(id),
    version          INTEGER NOT NULL,
    summary          TEXT,
    body             TEXT,
    activities       BIGINT,
    participants     BIGINT,
    publicity_items  BIGINT,
    submitted_at     TEXT NOT NULL,
    submitted_by     INTEGER REFERENCES accounts(id),
    late             BOOLEAN NOT NULL DEFAULT FALSE,
    outcome          TEXT,
    reason           TEXT,
    decided_at       TEXT,
    decided_by       INTEGER REFERENCES accounts(id),
    PRIMARY KEY (submission_id, version)
);

CREATE TABLE rollup_sources (
    submission_id         INTEGER NOT NULL REFERENCES submissions(id),
    source_submission_id  INTEGER NOT NULL REFERENCES submissions(id),
    source_version        INTEGER NOT NULL,
    PRIMARY KEY (submission_id, source_submission_id)
);
