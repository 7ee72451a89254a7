"""Journey rules: how a purchase moves a customer along the stages."""

from __future__ import annotations

from collections.abc import Sequence

from smallbiz_crm.domain.records.customers import StageRecord

# Default stage names the purchase rule knows; a renamed stage is found by its position.
PROSPECT = "Prospect"
FIRST_PURCHASE = "First purchase"
REPEAT = "Repeat"


def stage_after_purchase(current: StageRecord, stages: Sequence[StageRecord]) -> StageRecord | None:
    """The stage a purchase moves a customer to, or None if it does not move them.

    A purchase moves a Prospect to First purchase and a First purchase customer to Repeat.
    Stages are matched by order (the first three non-lapsed stages), so the rule survives the
    owner renaming them; a Lapsed customer who buys again comes back as Repeat.
    """
    ordered = sorted((s for s in stages if not s.is_lapsed), key=lambda s: s.position)
    if len(ordered) < 3:
        return None
    prospect, first, repeat = ordered[0], ordered[1], ordered[2]
    if current.id == prospect.id:
        return first
    if current.id == first.id:
        return repeat
    if current.is_lapsed:
        return repeat
    return None


def is_move_up(before: StageRecord | None, after: StageRecord) -> bool:
    """A move to a later, non-lapsed stage."""
    if after.is_lapsed:
        return False
    if before is None or before.is_lapsed:
        return True
    return after.position > before.position
