-- Proficiency testing (能力验证): schemes and their measurands, rounds with their
-- eligibility rule and schedule, enrolments with blind sample codes, dispatches and
-- receipts, results, evaluations (versions, released or not) with their scores, and the
-- follow-ups of questionable and unsatisfactory results.
CREATE TABLE pt_schemes (
    id               INTEGER PRIMARY KEY,
    provider_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    name             TEXT NOT NULL,
    field            TEXT NOT NULL,
    created_by       INTEGER REFERENCES accounts(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX pt_schemes_provider_idx ON pt_schemes (provider_org_id);

CREATE TABLE pt_measurands (
    id          INTEGER PRIMARY KEY,
    scheme_id   INTEGER NOT NULL REFERENCES pt_schemes(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    unit        TEXT,
    decimals    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    log10       BOOLEAN NOT NULL DEFAULT FALSE,
    categories  TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT pt_measurands_position_key UNIQUE (scheme_id, position)
);

CREATE TABLE pt_rounds (
    id                    INTEGER PRIMARY KEY,
    scheme_id             INTEGER NOT NULL REFERENCES pt_schemes(id),
    campaign_id           INTEGER REFERENCES campaigns(id),
    code                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    status                TEXT NOT NULL,
    scope_org_id          INTEGER NOT NULL REFERENCES orgs(id),
    eligibility           TEXT NOT NULL,
    enrol_until           TEXT NOT NULL,
    dispatch_on           TEXT NOT NULL,
    results_until         TEXT NOT NULL,
    instructions          TEXT,
    instructions_file_id  INTEGER REFERENCES files(id),
    created_by            INTEGER REFERENCES accounts(id),
    created_at            TEXT NOT NULL,
    released_at           TEXT,
    CONSTRAINT pt_rounds_code_key UNIQUE (code)
);
CREATE INDEX pt_rounds_scheme_idx ON pt_rounds (scheme_id);

CREATE TABLE pt_enrolments (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES pt_rounds(id) ON DELETE CASCADE,
    lab_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    status       TEXT NOT NULL,
    invited      BOOLEAN NOT NULL DEFAULT FALSE,
    sample_code  TEXT,
    applied_at   TEXT,
    decided_at   TEXT,
    decided_by   INTEGER REFERENCES accounts(id),
    created_at   TEXT NOT NULL,
    CONSTRAINT pt_enrolments_round_id_lab_org_id_key UNIQUE (round_id, lab_org_id),
    CONSTRAINT pt_enrolments_round_id_sample_code_key UNIQUE (round_id, sample_code)
);
CREATE INDEX pt_enrolments_lab_idx ON pt_enrolments (lab_org_id);

CREATE TABLE pt_enrolment_measurands (
    enrolment_id  INTEGER NOT NULL REFERENCES pt_enrolments(id) ON DELETE CASCADE,
    measurand_id  INTEGER NOT NULL REFERENCES pt_measurands(id),
    PRIMARY KEY (enrolment_id, measurand_id)
);

CREATE TABLE pt_dispatches (
    id            INTEGER PRIMARY KEY,
    enrolment_id  INTEGER NOT NULL REFERENCES pt_enrolments(id) ON DELETE CASCADE,
    courier       TEXT NOT NULL,
    tracking      TEXT NOT NULL,
    sent_on       TEXT NOT NULL,
    received_at   TEXT,
    condition     TEXT,
    receipt_note  TEXT,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX pt_dispatches_enrolment_idx ON pt_dispatches (enrolment_id);

CREATE TABLE pt_results (
    enrolment_id  INTEGER NOT NULL REFERENCES pt_enrolments(id) ON DELETE CASCADE,
    measurand_id  INTEGER NOT NULL REFERENCES pt_measurands(id),
    entry         TEXT NOT NULL,
    value         REAL,
    saved_at      TEXT NOT NULL,
    submitted_at  TEXT,
    late          BOOLEAN NOT NULL DEFAULT FALSE,
    entered_by    INTEGER REFERENCES accounts(id),
    behalf_note   TEXT,
    PRIMARY KEY (enrolment_id, measurand_id)
);

CREATE TABLE pt_evaluations (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES pt_rounds(id) ON DELETE CASCADE,
    measurand_id  INTEGER NOT NULL REFERENCES pt_measurands(id),
    version       INTEGER NOT NULL,
    options       TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    n             INTEGER NOT NULL,
    assigned      REAL,
    sigma_pt      REAL,
    released      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL,
    CONSTRAINT pt_evaluations_version_key UNIQUE (round_id, measurand_id, version)
);

CREATE TABLE pt_scores (
    evaluation_id  INTEGER NOT NULL REFERENCES pt_evaluations(id) ON DELETE CASCADE,
    enrolment_id   INTEGER NOT NULL REFERENCES pt_enrolments(id) ON DELETE CASCADE,
    score_kind     TEXT NOT NULL,
    score          REAL,
    class          TEXT NOT NULL,
    z              REAL,
    zeta           REAL,
    en             REAL,
    late           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (evaluation_id, enrolment_id)
);
CREATE INDEX pt_scores_enrolment_idx ON pt_scores (enrolment_id);

CREATE TABLE pt_followups (
    id             INTEGER PRIMARY KEY,
    enrolment_id   INTEGER NOT NULL REFERENCES pt_enrolments(id) ON DELETE CASCADE,
    measurand_id   INTEGER NOT NULL REFERENCES pt_measurands(id),
    class          TEXT NOT NULL,
    status         TEXT NOT NULL,
    root_cause     TEXT,
    action         TEXT,
    review_note    TEXT,
    due_on         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT pt_followups_key UNIQUE (enrolment_id, measurand_id)
);
CREATE INDEX pt_followups_status_idx ON pt_followups (status);

CREATE TABLE pt_followup_files (
    followup_id  INTEGER NOT NULL REFERENCES pt_followups(id) ON DELETE CASCADE,
    file_id      INTEGER NOT NULL REFERENCES files(id),
    PRIMARY KEY (followup_id, file_id)
);

-- Homogeneity and stability studies per measurand (ISO 13528:2022 Annex B), with the
-- standard uncertainty each carries into u(x_pt) (u_hom = s_s; u_stab = |ȳ₁ − ȳ₂|/√3).
CREATE TABLE pt_studies (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES pt_rounds(id) ON DELETE CASCADE,
    measurand_id  INTEGER NOT NULL REFERENCES pt_measurands(id),
    kind          TEXT NOT NULL,
    data          TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    u             REAL NOT NULL,
    passed        BOOLEAN NOT NULL,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX pt_studies_round_idx ON pt_studies (round_id, measurand_id, kind);
