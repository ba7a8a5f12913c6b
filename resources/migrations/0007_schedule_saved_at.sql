-- When each agent's schedule last took effect (created, cron changed, enabled):
-- the scheduler never fires a slot from before it. Existing agents start from
-- their last update.
ALTER TABLE agents ADD COLUMN schedule_saved_at TEXT;
UPDATE agents SET schedule_saved_at = updated_at;
