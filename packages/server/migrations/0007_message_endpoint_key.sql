-- Every outbox insert took a KEY SHARE lock on its endpoint's row through this foreign key, so
-- concurrent publishes to one endpoint each had to create a multixact on that row. Endpoints are
-- only soft-deleted (deleted_at), so the key guarded nothing the code does not already.
alter table webhook_messages drop constraint webhook_messages_endpoint_id_fkey;
