"""Use case: keep a question to one organisation or one document — as the chunk ids a search must skip."""

from __future__ import annotations

from vectorstore.docstore import DocumentStore


def chunks_outside(store: DocumentStore, *, organisation: str | None = None, source: str | None = None) -> frozenset[str]:
    """The chunks not of `organisation` (its name or place) and not of the file named `source`; none when
    neither is given."""
    if not organisation and not source:
        return frozenset()
    rows = store.report_rows()
    keep = {r.id for r in rows.values()
            if (not organisation or organisation in {r.organisation, r.place})
            and (not source or source in {r.source, r.file_path})}
    return frozenset(store.report_chunk_ids(set(rows) - keep))
