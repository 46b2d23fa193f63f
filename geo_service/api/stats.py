"""GET /api/v1/stats: the dashboard's figures."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from geo_service import agenda
from geo_service.api import bp
from geo_service.db import get_session
from geo_service.events_core import SHANGHAI, month_of, month_window
from geo_service.queries import events as qe
from geo_service.queries import stats as q

MONTHS_BACK, MONTHS_AHEAD, BUSIEST = 12, 3, 10


def _months(now: datetime) -> list[tuple[int, int]]:
    """The last 12 months (this one included) and the next 3, as (year, month)."""
    index = now.year * 12 + now.month - 1
    return [divmod(i, 12) for i in range(index - MONTHS_BACK + 1, index + MONTHS_AHEAD + 1)]


@bp.get("/stats")
def stats() -> Any:
    """Counts, kilometres, surface mix, events per month, busiest venues."""
    session = get_session()
    months = [(y, m + 1) for y, m in _months(datetime.now(SHANGHAI))]
    start, end = month_window(*months[0])[0], month_window(*months[-1])[1]
    rows = qe.candidate_events(session, qe.EventFilters(window_from=start, window_to=end,
                                                        include_cancelled=False))
    occurrences = agenda.expand(rows, start, end)
    per_month = Counter(month_of(o.starts_at) for _, o in occurrences)
    per_venue = Counter(r["venue_id"] for r, _ in occurrences if r["venue_id"] is not None)
    busiest = per_venue.most_common(BUSIEST)
    names = q.venue_names(session, [v for v, _ in busiest])
    return {
        **q.counts(session),
        "venues_by_type": q.venues_by_type(session),
        "routes_by_difficulty": q.routes_by_difficulty(session),
        "surface_mix": q.surface_mix(session),
        "events_per_month": [
            {"month": f"{y:04d}-{m:02d}", "events": per_month.get((y, m), 0)} for y, m in months
        ],
        "busiest_venues": [{"id": v, "name": names.get(v), "events": n} for v, n in busiest],
    }
