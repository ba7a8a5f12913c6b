-- A counter that moves whenever what decides a caller's folders may have
-- changed: an agent's name or folders, an agent added or removed, a folder
-- pin, or one of the MCP door's settings. The door reads it for every call
-- (one row) and reads the agents, settings and pins again only when it moved
-- (agents/mcp_access.py DoorSettingsCache).
CREATE TABLE access_epoch (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO access_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER access_epoch_agent_added AFTER INSERT ON agents
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_agent_changed AFTER UPDATE OF id, name, directory_paths ON agents
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_agent_removed AFTER DELETE ON agents
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER access_epoch_pin_added AFTER INSERT ON root_pins
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_pin_changed AFTER UPDATE ON root_pins
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_pin_removed AFTER DELETE ON root_pins
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER access_epoch_setting_added AFTER INSERT ON settings WHEN NEW.key LIKE 'mcp.%'
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_setting_changed AFTER UPDATE ON settings WHEN NEW.key LIKE 'mcp.%' OR OLD.key LIKE 'mcp.%'
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER access_epoch_setting_removed AFTER DELETE ON settings WHEN OLD.key LIKE 'mcp.%'
BEGIN UPDATE access_epoch SET n = n + 1 WHERE id = 1; END;
