-- Submissions received are told to their collector by a digest the worker writes on each
-- pass, not in the transaction of the submit (where every city's submission would update the
-- collector's one unread message: the hot spot of a deadline rush). A version sent waits here
-- until the digest has told its collector; versions sent before this migration count as told.
ALTER TABLE submission_versions ADD COLUMN collector_told BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX submission_versions_untold_idx ON submission_versions (submitted_at)
    WHERE NOT collector_told;
