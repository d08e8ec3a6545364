"""What the bench scripts share: reading a percentile off measured values."""

from __future__ import annotations

__all__ = ["percentile"]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank; the max for small sets)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
