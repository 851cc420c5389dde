-- What anonymous visitors see changes: one row counting the changes to the tables the public
-- pages read (the campaign page with its sections, a public notice, the activity calendar).
-- Triggers bump it in the writing transaction itself, so every server that caches those
-- pages (renke-web's page cache) learns of a change from the database once it commits,
-- and no write path can forget to. `files` is left out: its rows do not change once
-- written, and a material that shows one is itself written after it.
CREATE TABLE public_changes (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL
);
INSERT INTO public_changes (id, generation, changed_at) VALUES (1, 0, clock_timestamp());

-- Once per statement (a COPY of 150,000 organisations bumps it once).
CREATE FUNCTION renke_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_changes SET generation = generation + 1, changed_at = clock_timestamp()
    WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON campaign_local_themes
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON notices
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON notice_relays
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON notice_recipients
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON notice_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON notice_attachments
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON task_items
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON activities
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON activity_organisers
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON publicity_materials
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON industry_reports
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON publicity_initiatives
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON publicity_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
CREATE TRIGGER renke_public AFTER INSERT OR UPDATE OR DELETE ON publicity_certificates
    FOR EACH STATEMENT EXECUTE FUNCTION renke_public_changed();
