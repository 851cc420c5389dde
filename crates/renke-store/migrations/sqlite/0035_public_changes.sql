-- What anonymous visitors see changes: one row counting the changes to the tables the public
-- pages read (the campaign page with its sections, a public notice, the activity calendar).
-- Triggers bump it in the writing transaction itself, so every server that caches those
-- pages (renke-web's page cache) learns of a change from the database once it commits,
-- and no write path can forget to. `files` is left out: its rows do not change once
-- written, and a material that shows one is itself written after it.
CREATE TABLE public_changes (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL,
    changed_at  TEXT NOT NULL
);
INSERT INTO public_changes (id, generation, changed_at)
VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
CREATE TRIGGER renke_public_campaigns_i AFTER INSERT ON campaigns BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_campaigns_u AFTER UPDATE ON campaigns BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_campaigns_d AFTER DELETE ON campaigns BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_campaign_local_themes_i AFTER INSERT ON campaign_local_themes BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_campaign_local_themes_u AFTER UPDATE ON campaign_local_themes BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_campaign_local_themes_d AFTER DELETE ON campaign_local_themes BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_orgs_i AFTER INSERT ON orgs BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_orgs_u AFTER UPDATE ON orgs BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_orgs_d AFTER DELETE ON orgs BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notices_i AFTER INSERT ON notices BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notices_u AFTER UPDATE ON notices BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notices_d AFTER DELETE ON notices BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_relays_i AFTER INSERT ON notice_relays BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_relays_u AFTER UPDATE ON notice_relays BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_relays_d AFTER DELETE ON notice_relays BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_recipients_i AFTER INSERT ON notice_recipients BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_recipients_u AFTER UPDATE ON notice_recipients BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_recipients_d AFTER DELETE ON notice_recipients BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_contacts_i AFTER INSERT ON notice_contacts BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_contacts_u AFTER UPDATE ON notice_contacts BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_contacts_d AFTER DELETE ON notice_contacts BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_attachments_i AFTER INSERT ON notice_attachments BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_attachments_u AFTER UPDATE ON notice_attachments BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_notice_attachments_d AFTER DELETE ON notice_attachments BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_tasks_i AFTER INSERT ON tasks BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_tasks_u AFTER UPDATE ON tasks BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_tasks_d AFTER DELETE ON tasks BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_task_items_i AFTER INSERT ON task_items BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_task_items_u AFTER UPDATE ON task_items BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_task_items_d AFTER DELETE ON task_items BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activities_i AFTER INSERT ON activities BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activities_u AFTER UPDATE ON activities BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activities_d AFTER DELETE ON activities BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activity_organisers_i AFTER INSERT ON activity_organisers BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activity_organisers_u AFTER UPDATE ON activity_organisers BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_activity_organisers_d AFTER DELETE ON activity_organisers BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_materials_i AFTER INSERT ON publicity_materials BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_materials_u AFTER UPDATE ON publicity_materials BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_materials_d AFTER DELETE ON publicity_materials BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_industry_reports_i AFTER INSERT ON industry_reports BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_industry_reports_u AFTER UPDATE ON industry_reports BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_industry_reports_d AFTER DELETE ON industry_reports BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_initiatives_i AFTER INSERT ON publicity_initiatives BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_initiatives_u AFTER UPDATE ON publicity_initiatives BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_initiatives_d AFTER DELETE ON publicity_initiatives BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_signatures_i AFTER INSERT ON publicity_signatures BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_signatures_u AFTER UPDATE ON publicity_signatures BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_signatures_d AFTER DELETE ON publicity_signatures BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_certificates_i AFTER INSERT ON publicity_certificates BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_certificates_u AFTER UPDATE ON publicity_certificates BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
CREATE TRIGGER renke_public_publicity_certificates_d AFTER DELETE ON publicity_certificates BEGIN
    UPDATE public_changes SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
