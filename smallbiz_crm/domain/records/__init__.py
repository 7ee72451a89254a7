"""Frozen records (DTOs) that services hand out and reports and table models take, one module
per area of the shop (customers, gestures, follow-ups…)."""
