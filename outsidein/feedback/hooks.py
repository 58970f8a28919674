"""What happens once new feedback is stored (called after the ingestion transaction commits).

Nothing here may fail an ingestion that has already committed: errors are logged, and the
periodic jobs (the rule sweep, the nightly rollup rebuild) catch up on anything missed.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# Up to this many items are evaluated in the request (an API call, a survey answer); a
# large import hands the work to the background workers instead.
INLINE_LIMIT = 200


def feedback_stored(ids: list[int], days: set | None = None) -> None:
    """`days`: the days the items were received on, when the caller knows them already."""
    steps = ((_refresh_rollups, (ids, days)), (_open_cases, (ids,)))
    for step, arguments in steps:
        try:
            step(*arguments)
        except Exception:  # noqa: BLE001 - the feedback is stored; the jobs will catch up
            logger.exception("%s failed for %d new feedback items", step.__name__, len(ids))


def _open_cases(ids: list[int]) -> None:
    if len(ids) <= INLINE_LIMIT:
        from outsidein.cases.routing import open_cases_for

        open_cases_for(ids)
    else:
        from outsidein.cases.jobs import queue_evaluation

        queue_evaluation(ids)


def _refresh_rollups(ids: list[int], days: set | None = None) -> None:
    from outsidein.insights.rollups import refresh_days, refresh_rollups_for

    if days is None:
        refresh_rollups_for(ids)
    else:
        refresh_days(days)
