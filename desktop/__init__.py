"""The application: CLI, Qt-free wiring, and the Qt UI (desktop.ui only)."""
