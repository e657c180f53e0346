"""Inspectors' category corrections as labelled examples for the classifier (the `train.jsonl` format).

Every correction is in the audit log (`category_corrected`, with the old and the new category); this
turns the problems of the corrected cases into training lines, with personal data masked, so the
labelled set can grow from real work without copying anyone's name or phone into the repository.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import CaseEvent, Problem


async def corrected_examples(session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    """One line per problem of each corrected case, labelled with the inspector's category."""
    from nlp.pii import mask_pii

    events = await session.scalars(
        sa.select(CaseEvent).where(CaseEvent.kind == "category_corrected").order_by(CaseEvent.id)
    )
    for event in events.all():
        corrected = event.data.get("to")
        if event.case_id is None or not corrected:
            continue
        problems = await session.scalars(
            sa.select(Problem).where(Problem.case_id == event.case_id).order_by(Problem.id)
        )
        for problem in problems.all():
            if problem.category != corrected:  # corrected again later: that later event labels it
                continue
            text = mask_pii(problem.text)
            yield {
                "id": f"correction-{event.id}-{problem.id}",
                "text": text,
                "categories": [corrected],
                "problems": [{"category": corrected, "quote": text}],
                "source": "inspector_correction",
                "previous_category": event.data.get("from"),
                "reason": mask_pii(event.data.get("reason", "")),
            }
