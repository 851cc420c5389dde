-- Evaluations of large rounds run as a background job: one row per run with its options,
-- status (queued, running, done, failed), stage (queued, reading, computing, writing, done)
-- and progress (rows written of total), the job that runs it and, once written, its
-- evaluation. A run whose job is no longer queued or running is over, whatever its status.
CREATE TABLE pt_evaluation_runs (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES pt_rounds(id) ON DELETE CASCADE,
    measurand_id   INTEGER NOT NULL REFERENCES pt_measurands(id),
    options        TEXT NOT NULL,
    status         TEXT NOT NULL,
    stage          TEXT NOT NULL,
    done           INTEGER NOT NULL DEFAULT 0,
    total          INTEGER NOT NULL DEFAULT 0,
    error          TEXT,
    job_id         INTEGER,
    evaluation_id  INTEGER REFERENCES pt_evaluations(id) ON DELETE SET NULL,
    created_by     INTEGER NOT NULL REFERENCES accounts(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX pt_evaluation_runs_round_idx ON pt_evaluation_runs (round_id, measurand_id);
