-- Industry statistics (行业统计): a bureau's yearly figures per inspection, testing and
-- certification institution of its area, imported from a spreadsheet (a year's file
-- replaces the year's rows as a whole), and the yearly industry report
-- (行业发展情况报告) written from them: a draft with an editable narrative, published on a
-- campaign's public page with the figures frozen as they were, and shared with
-- co-organisers (a university) who read that report's figures only.
CREATE TABLE industry_stat_sets (
    id            INTEGER PRIMARY KEY,
    owner_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    year          INTEGER NOT NULL,
    file_name     TEXT NOT NULL,
    row_count     INTEGER NOT NULL,
    imported_by   INTEGER REFERENCES accounts(id),
    imported_at   TEXT NOT NULL,
    UNIQUE (owner_org_id, year)
);

CREATE TABLE industry_stat_rows (
    id            INTEGER PRIMARY KEY,
    set_id        INTEGER NOT NULL REFERENCES industry_stat_sets(id),
    -- The row of the imported file (2 is the first data row).
    line          INTEGER NOT NULL,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sector        TEXT NOT NULL,
    district      TEXT NOT NULL,
    -- 营业收入, 万元.
    revenue       REAL NOT NULL,
    staff         INTEGER NOT NULL,
    certificates  INTEGER NOT NULL,
    reports       INTEGER NOT NULL
);
CREATE INDEX industry_stat_rows_set_idx ON industry_stat_rows (set_id, line);

CREATE TABLE industry_reports (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    owner_org_id  INTEGER NOT NULL REFERENCES orgs(id),
    year          INTEGER NOT NULL,
    title         TEXT NOT NULL,
    narrative     TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    -- The analysis as published (JSON), so a later import does not change a published report.
    figures       TEXT,
    created_by    INTEGER REFERENCES accounts(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    published_by  INTEGER REFERENCES accounts(id),
    published_at  TEXT
);
CREATE INDEX industry_reports_owner_idx ON industry_reports (owner_org_id, year);
CREATE INDEX industry_reports_campaign_idx ON industry_reports (campaign_id, state);

CREATE TABLE industry_report_shares (
    report_id     INTEGER NOT NULL REFERENCES industry_reports(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    granted_by    INTEGER REFERENCES accounts(id),
    granted_at    TEXT NOT NULL,
    PRIMARY KEY (report_id, org_id)
);
CREATE INDEX industry_report_shares_org_idx ON industry_report_shares (org_id);
