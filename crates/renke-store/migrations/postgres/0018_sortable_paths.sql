-- Organisation paths sort in the directory's order: each id in a path follows a letter that
-- gives its number of digits (`/a1/a7/b42/`), so byte order is tree order with siblings by
-- id, where bare numbers put `/1/10/` before `/1/2/` (districts listed in no evident order).
WITH RECURSIVE p(id, path) AS (
    SELECT id, '/' || chr(96 + length(id::text)) || id::text || '/' FROM orgs WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, p.path || chr(96 + length(o.id::text)) || o.id::text || '/'
    FROM orgs o JOIN p ON o.parent_id = p.id
)
UPDATE orgs SET path = p.path FROM p WHERE p.id = orgs.id;
