"""Storage: engine, models and the migration runner."""
