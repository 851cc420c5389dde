-- A task that takes a stream of items (信息和新闻稿件, "及时…上报" during the campaign): each
-- unit sends many, each reviewed on its own (accepted or returned with a reason) and, once
-- accepted, optionally published on the campaign's public page.
CREATE TABLE task_items (
    id            INTEGER PRIMARY KEY,
    task_id       INTEGER NOT NULL REFERENCES tasks(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT,
    submitted_by  INTEGER REFERENCES accounts(id),
    submitted_at  TEXT NOT NULL,
    decided_by    INTEGER REFERENCES accounts(id),
    decided_at    TEXT,
    published_at  TEXT,
    -- The worker's digest has told the task's collector of it (see 0015).
    collector_told BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX task_items_task_idx ON task_items (task_id, submitted_at);
CREATE INDEX task_items_org_idx ON task_items (org_id, task_id);
CREATE INDEX task_items_untold_idx ON task_items (submitted_at) WHERE NOT collector_told;
CREATE INDEX task_items_published_idx ON task_items (published_at) WHERE published_at IS NOT NULL;
