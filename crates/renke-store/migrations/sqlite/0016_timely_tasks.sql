-- no-transaction
-- A task may have no deadline: 及时报送, as SAMR's 764号 asks for its plans and reports.
-- SQLite cannot drop a NOT NULL: the table is rebuilt (with foreign keys off, as SQLite's
-- own procedure for changing a table asks, in one transaction), keeping every id.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE tasks_rebuilt (
    id                    INTEGER PRIMARY KEY,
    notice_id             INTEGER NOT NULL REFERENCES notices(id),
    parent_task_id        INTEGER REFERENCES tasks(id),
    kind                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    instructions          TEXT,
    deadline              TEXT,
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
INSERT INTO tasks_rebuilt (id, notice_id, parent_task_id, kind, title, instructions, deadline,
    submit_to_org_id, submit_to_dept, length_target, length_tolerance, attachments,
    attachment_types, attachment_max_bytes, paper_required, all_recipients, created_by,
    created_at, updated_at)
SELECT id, notice_id, parent_task_id, kind, title, instructions, deadline,
    submit_to_org_id, submit_to_dept, length_target, length_tolerance, attachments,
    attachment_types, attachment_max_bytes, paper_required, all_recipients, created_by,
    created_at, updated_at FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_rebuilt RENAME TO tasks;
CREATE INDEX tasks_notice_idx ON tasks (notice_id);
CREATE INDEX tasks_parent_idx ON tasks (parent_task_id);
CREATE INDEX tasks_deadline_idx ON tasks (deadline);
COMMIT;
PRAGMA foreign_keys = ON;
