"""The tool catalogue: filesystem (read-only, sandboxed) and workspace records."""
