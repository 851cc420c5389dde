-- Indexes for the files sweep and the storage quota: the sweep deletes the `files` rows no
-- submission and no notice attachment lists, and the quota adds up an organisation's files.

CREATE INDEX files_org_idx ON files (org_id);
CREATE INDEX submission_files_file_idx ON submission_files (file_id);
CREATE INDEX notice_attachments_file_idx ON notice_attachments (file_id);
