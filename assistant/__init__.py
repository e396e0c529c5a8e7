"""Core of report-assistant: settings, errors, use cases (ingest; later answer and draft), CLI."""
