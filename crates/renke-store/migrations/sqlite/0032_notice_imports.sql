-- 导入通知: a notice brought in from text (pasted, .txt, .docx, PDF) keeps the text it was
-- read from and a fingerprint of the document (issuer and 发文字号, or issuer, title and
-- date), unique: the same document is imported once. Names a user mapped by hand to a
-- directory entry are remembered per importing organisation (省局 means a different
-- bureau to each province).
CREATE TABLE notice_imports (
    notice_id    INTEGER PRIMARY KEY REFERENCES notices(id),
    fingerprint  TEXT NOT NULL UNIQUE,
    source_text  TEXT NOT NULL,
    imported_by  INTEGER NOT NULL REFERENCES accounts(id),
    imported_at  TEXT NOT NULL
);

CREATE TABLE org_aliases (
    scope_org_id INTEGER NOT NULL REFERENCES orgs(id),
    alias        TEXT NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    created_by   INTEGER NOT NULL REFERENCES accounts(id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope_org_id, alias)
);
