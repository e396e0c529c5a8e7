"""Files -> reports -> outline -> chunks (+ metadata). Pure: no store, no network.

The entry point is :func:`ingest.pipeline.ingest_file`; the pieces it wires together
(loaders, report splitting, outline parsing, chunking, metadata) are usable on their own.
"""
