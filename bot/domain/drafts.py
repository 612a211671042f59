"""Recommendation drafts: the statuses a draft goes through (one forum tag each)."""

from __future__ import annotations

STATUSES = (
    "draft",
    "open",
    "synthesised",
    "submitted",
    "adopted",
    "not_retained",
    "withdrawn",
)
