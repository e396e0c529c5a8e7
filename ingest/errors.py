"""The project's error hierarchy starts here, at the bottom of the import graph.

Every message says what happened and what to do, in Chinese, and names the file when there is one.
`assistant.errors` re-exports these and adds the errors of the layers above.
"""

from __future__ import annotations


class ReportAssistantError(Exception):
    """Base of every error the product reports to a user."""


class IngestError(ReportAssistantError):
    """A file could not be turned into reports; other files are unaffected."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormat(IngestError):
    pass


class EmptyDocument(IngestError):
    pass


class UnreadableText(IngestError):
    """Binary junk, or bytes in an encoding we cannot identify."""


class CorruptDocument(IngestError):
    pass


class NoTextLayer(IngestError):
    """A scanned PDF: pages but no extractable text."""


class TooLarge(IngestError):
    """More text than a report library should take from one file (a dump, a log, many reports pasted)."""


class ConverterMissing(IngestError):
    """A .doc/.wps file and no LibreOffice to convert it."""
