"""Golden-set format, retrieval metrics (pure functions), runner and reports (issue: evaluation)."""
