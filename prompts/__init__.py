"""Prompt templates and the standard report outline, as data + small render functions (issue: answers/drafts)."""
