-- A task may have no deadline: 及时报送, as SAMR's 764号 asks for its plans and reports.
ALTER TABLE tasks ALTER COLUMN deadline DROP NOT NULL;
