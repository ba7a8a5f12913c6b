-- Pinned allowed folders (PROTOCOL.md, "Allowed folders are pinned").
-- One row per folder path an agent lists in directory_paths: the real path
-- it had when the user picked it, and that folder's identity (st_dev, st_ino,
-- stored as signed 64-bit: values of 2^63 and above wrap). A folder whose
-- real path no longer opens without symlinks, or opens as another folder, is
-- refused until the user picks it again (saving the agent re-pins it).
-- Folders of agents saved before this migration have no row yet: they are
-- pinned on their first successful use (agents/roots.py).
CREATE TABLE root_pins (
    path            TEXT PRIMARY KEY,
    real_path       TEXT NOT NULL,
    dev             INTEGER NOT NULL,
    ino             INTEGER NOT NULL,
    pinned_at       TEXT NOT NULL
);
