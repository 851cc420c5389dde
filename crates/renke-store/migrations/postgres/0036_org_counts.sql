-- Each organisation's number of direct children and of organisations in its subtree (itself
-- included), kept on write by the store (`orgs::create_many`, `orgs::move_subtree`) so
-- that a tree page reads them instead of counting the subtree on every view. A row exists
-- for each organisation that has or had children; no row means a leaf (0 children, a
-- subtree of 1). Derived data: not audited, and `orgs::count_mismatches` recounts it.
CREATE TABLE org_counts (
    org_id         BIGINT PRIMARY KEY REFERENCES orgs(id),
    child_count    BIGINT NOT NULL,
    subtree_count  BIGINT NOT NULL
);
INSERT INTO org_counts (org_id, child_count, subtree_count)
SELECT o.id,
       (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id),
       (SELECT COUNT(*) FROM orgs d
         WHERE d.path >= o.path AND d.path < substr(o.path, 1, length(o.path) - 1) || '0')
FROM orgs o
WHERE EXISTS (SELECT 1 FROM orgs c WHERE c.parent_id = o.id);
