"""Storage: the document store (source of truth) and, derived from it, the search indexes."""
