-- Tallies in stripes. Every submission shifted the rows of all its ancestors, so the root's
-- row was written by every submitter and, on PostgreSQL, each commit waited for the one
-- before it on that row's lock. Each (task, organisation) now has up to 16 rows: stripe s
-- counts the recipients below the organisation whose id is s modulo 16, so a shift writes
-- only its recipient's stripe, and 16 submitters can commit at once. A dashboard adds the
-- stripes of an organisation up. Rebuilt from what is stored.

DROP TABLE task_tallies;

CREATE TABLE task_tallies (
    task_id        INTEGER NOT NULL REFERENCES tasks(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    stripe         INTEGER NOT NULL,
    expected       BIGINT NOT NULL,
    acknowledged   BIGINT NOT NULL,
    submitted      BIGINT NOT NULL,
    late           BIGINT NOT NULL,
    accepted       BIGINT NOT NULL,
    returned       BIGINT NOT NULL,
    late_returned  BIGINT NOT NULL,
    PRIMARY KEY (task_id, org_id, stripe)
);

-- The statement of tallies::refresh_sql for every task at once.
INSERT INTO task_tallies (task_id, org_id, stripe, expected, acknowledged, submitted, late, accepted, returned, late_returned)
WITH RECURSIVE e(task_id, org_id, stripe, ack, sub, late, acc, ret, lret) AS (
    SELECT t.id, d.org_id, CAST(d.org_id % 16 AS INTEGER),
        CASE WHEN d.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END,
        CASE WHEN COALESCE(s.version, 0) > 0 THEN 1 ELSE 0 END,
        CASE WHEN COALESCE(s.version, 0) > 0 AND s.late THEN 1 ELSE 0 END,
        CASE WHEN s.status = 'accepted' THEN 1 ELSE 0 END,
        CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END,
        CASE WHEN s.status = 'returned' AND s.late THEN 1 ELSE 0 END
    FROM tasks t JOIN notice_deliveries d ON d.notice_id = t.notice_id
    LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = d.org_id
    WHERE t.all_recipients OR EXISTS (
        SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id)
),
up(task_id, anc_id, stripe, ack, sub, late, acc, ret, lret) AS (
    SELECT e.task_id, o.parent_id, e.stripe, e.ack, e.sub, e.late, e.acc, e.ret, e.lret
    FROM e JOIN orgs o ON o.id = e.org_id WHERE o.parent_id IS NOT NULL
    UNION ALL
    SELECT up.task_id, o.parent_id, up.stripe, up.ack, up.sub, up.late, up.acc, up.ret, up.lret
    FROM up JOIN orgs o ON o.id = up.anc_id WHERE o.parent_id IS NOT NULL
)
SELECT task_id, anc_id, stripe, COUNT(*), SUM(ack), SUM(sub), SUM(late), SUM(acc), SUM(ret), SUM(lret)
FROM up GROUP BY task_id, anc_id, stripe;
