-- Uploaded files. The bytes live in the object store (a directory by default) under their
-- SHA-256; this table holds what people see and what permissions need.

CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    uploaded_by  INTEGER REFERENCES accounts(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX files_sha256_idx ON files (sha256);

ALTER TABLE notice_attachments ADD COLUMN file_id INTEGER REFERENCES files(id);
