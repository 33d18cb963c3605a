"""The audit log, backups, history and guests' privacy."""
