-- 行文方向: down (下行文, the cascade to one's own subtree, the only kind that carries
-- reporting tasks), up (上行文, to a superior) or across (平行文, to a peer).
ALTER TABLE notices ADD COLUMN direction TEXT NOT NULL DEFAULT 'down';
