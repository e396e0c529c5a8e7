"""Prompt templates (files in prompts/templates) and small render functions. No LLM calls here."""
