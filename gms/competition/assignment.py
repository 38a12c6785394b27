"""Automatic assignment of commission members: balanced, conflict-free and reproducible."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence


def plan_assignment(applications: Sequence[int], members: Sequence[int], per_application: int,
                    seed: int, blocked: Iterable[tuple[int, int]] = (),
                    existing: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """New ``(application, member)`` pairs giving each application ``per_application``
    members in all.

    Members with the fewest assignments go first; among equals, the order is a shuffle of
    the members by ``seed``, so the same inputs and seed always give the same result.
    ``blocked`` pairs (conflicts, declines) are never chosen; ``existing`` pairs count
    towards both the application's total and the member's load.
    """
    order = sorted(members)
    random.Random(seed).shuffle(order)
    priority = {m: i for i, m in enumerate(order)}
    blocked = set(blocked)
    existing = set(existing)
    load = Counter(m for _a, m in existing)
    have = Counter(a for a, _m in existing)
    out = []
    for app in sorted(applications):
        need = per_application - have[app]
        candidates = sorted(
            (m for m in order if (app, m) not in blocked and (app, m) not in existing),
            key=lambda m: (load[m], priority[m]))
        for m in candidates[:max(need, 0)]:
            out.append((app, m))
            load[m] += 1
    return out
