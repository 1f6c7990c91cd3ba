"""CLI command groups, one module per feature area (see engine/cli.py)."""
