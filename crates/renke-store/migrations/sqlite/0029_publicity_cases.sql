-- Case collections (案例征集): a call for cases by an organisation (its owner), open to the
-- organisations under `scope_org_id` (of the listed kinds, when any) until its deadline;
-- the units' cases (text and files); the panel of reviewer accounts and their points per
-- criterion; the selection and the publication of the collection.
CREATE TABLE case_calls (
    id               INTEGER PRIMARY KEY,
    owner_org_id     INTEGER NOT NULL REFERENCES orgs(id),
    title            TEXT NOT NULL,
    description      TEXT,
    -- The criteria as JSON: [{"name": "创新性", "max": 30}, …].
    criteria         TEXT NOT NULL,
    template_file_id INTEGER REFERENCES files(id),
    deadline         TEXT NOT NULL,
    scope_org_id     INTEGER NOT NULL REFERENCES orgs(id),
    -- Organisation kinds joined by commas; empty: any kind.
    kinds            TEXT NOT NULL DEFAULT '',
    review_opened_at TEXT,
    published_at     TEXT,
    created_by       INTEGER REFERENCES accounts(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX case_calls_owner_idx ON case_calls (owner_org_id);
CREATE INDEX case_calls_scope_idx ON case_calls (scope_org_id);
CREATE INDEX case_calls_template_idx ON case_calls (template_file_id);

CREATE TABLE case_panel (
    call_id    INTEGER NOT NULL REFERENCES case_calls(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (call_id, account_id)
);
CREATE INDEX case_panel_account_idx ON case_panel (account_id);

CREATE TABLE case_submissions (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES case_calls(id),
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    title        TEXT NOT NULL,
    summary      TEXT,
    body         TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_by   INTEGER REFERENCES accounts(id),
    created_at   TEXT NOT NULL,
    submitted_at TEXT,
    decided_at   TEXT
);
CREATE INDEX case_submissions_call_idx ON case_submissions (call_id, state);
CREATE INDEX case_submissions_org_idx ON case_submissions (org_id);

CREATE TABLE case_submission_files (
    submission_id INTEGER NOT NULL REFERENCES case_submissions(id),
    file_id       INTEGER NOT NULL REFERENCES files(id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (submission_id, file_id)
);
CREATE INDEX case_submission_files_file_idx ON case_submission_files (file_id);

-- One reviewer's points for one criterion (by its place in the call's list) of one case.
CREATE TABLE case_scores (
    submission_id INTEGER NOT NULL REFERENCES case_submissions(id),
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    criterion     INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    scored_at     TEXT NOT NULL,
    PRIMARY KEY (submission_id, account_id, criterion)
);
