"""One small hierarchy. Messages say what happened and how to fix it, in Chinese.

The base classes live in `ingest.errors` (the bottom of the import graph); the layers above add theirs.
"""

from __future__ import annotations

from ingest.errors import (  # noqa: F401  (re-exported)
    ConverterMissing,
    CorruptDocument,
    EmptyDocument,
    IngestError,
    NoTextLayer,
    ReportAssistantError,
    UnreadableText,
    UnsupportedFormat,
)


class ConfigError(ReportAssistantError):
    """The settings file or a setting's value is wrong."""


class FileNotIngested(ReportAssistantError):
    """A command names a file the document store does not hold."""


class DraftExportError(ReportAssistantError):
    """A draft could not be written to the file the user named (missing folder, no permission, wrong suffix)."""


class DraftError(ReportAssistantError):
    """A draft cannot be made as asked: no earlier reports, an unknown organisation or section."""
