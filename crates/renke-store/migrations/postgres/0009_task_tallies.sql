-- Per-task tallies for the dashboards: for every task and every organisation above at least
-- one of its expected recipients, how many recipients strictly below that organisation are
-- expected, have acknowledged the notice, have submitted (late), and stand accepted or
-- returned. A dashboard reads the rows of its node and the node's children instead of
-- scanning every recipient. Rebuilt for a task when its deliveries change (issue, moving an
-- organisation); shifted by one recipient's change in the same transaction as the change
-- (签收, submit, accept, return). Times and deadlines are not stored: overdue and due soon
-- are the missing count against the task's deadline at read time.

CREATE TABLE task_tallies (
    task_id        BIGINT NOT NULL REFERENCES tasks(id),
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    expected       BIGINT NOT NULL,
    acknowledged   BIGINT NOT NULL,
    submitted      BIGINT NOT NULL,
    late           BIGINT NOT NULL,
    accepted       BIGINT NOT NULL,
    returned       BIGINT NOT NULL,
    late_returned  BIGINT NOT NULL,
    PRIMARY KEY (task_id, org_id)
);

-- The tallies of what is already stored (the same statement as tallies::REFRESH, for every
-- task at once).
INSERT INTO task_tallies (task_id, org_id, expected, acknowledged, submitted, late, accepted, returned, late_returned)
WITH RECURSIVE e(task_id, org_id, ack, sub, late, acc, ret, lret) AS (
    SELECT t.id, d.org_id,
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
up(task_id, anc_id, ack, sub, late, acc, ret, lret) AS (
    SELECT e.task_id, o.parent_id, e.ack, e.sub, e.late, e.acc, e.ret, e.lret
    FROM e JOIN orgs o ON o.id = e.org_id WHERE o.parent_id IS NOT NULL
    UNION ALL
    SELECT up.task_id, o.parent_id, up.ack, up.sub, up.late, up.acc, up.ret, up.lret
    FROM up JOIN orgs o ON o.id = up.anc_id WHERE o.parent_id IS NOT NULL
)
SELECT task_id, anc_id, COUNT(*), SUM(ack), SUM(sub), SUM(late), SUM(acc), SUM(ret), SUM(lret)
FROM up GROUP BY task_id, anc_id;
