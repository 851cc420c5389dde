-- A notice may have no 发文字号 (无文号), as Shanghai's 2022 publicity notice has none.
ALTER TABLE notices ALTER COLUMN doc_number DROP NOT NULL;
