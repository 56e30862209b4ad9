"""Weave (PRODUCT.md): suggested introductions. Pure core, no web framework."""

from netweave.core.weave.matcher import (
    MatchInput,
    Suggestion,
    Weights,
    explain,
    suggest_all,
    suggest_for,
)

__all__ = ["MatchInput", "Suggestion", "Weights", "explain", "suggest_all", "suggest_for"]
