-- Files attached to submissions. Version 0 is the working copy's list; sending version N
-- copies that list to version N, so every version keeps its own list. A write that brings
-- new files replaces the working list; one without files keeps it (a resubmission carries
-- the previous files forward).

CREATE TABLE submission_files (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id),
    version        INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    file_id        BIGINT NOT NULL REFERENCES files(id),
    name           TEXT NOT NULL,
    PRIMARY KEY (submission_id, version, position)
);
