"""Routes, one module per thing served; each has ``api`` (JSON under /api) and ``pages`` (HTML)."""
