"""The analysis job: NLP triage of a registered complaint, then routing, each step idempotent."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from portal import audit
from portal.intake import queue_notification
from portal.jobs import enqueue
from portal.models import Complaint, Problem, utcnow
from portal.routing_service import route_complaint
from portal.states import ComplaintStatus

log = logging.getLogger(__name__)

ROUTE_JOB = "route_complaint"


class TextAnalyzer(Protocol):
    def analyze(self, text: str) -> Any: ...


async def _load(session: AsyncSession, complaint_id: int) -> Complaint | None:
    return await session.scalar(
        sa.select(Complaint).where(Complaint.id == complaint_id).options(selectinload(Complaint.problems))
    )


async def analyse_complaint(
    sessions: async_sessionmaker[AsyncSession], analyzer: TextAnalyzer, complaint_id: int
) -> None:
    async with sessions() as session:
        complaint = await _load(session, complaint_id)
        if complaint is None or complaint.status != ComplaintStatus.REGISTERED:
            return  # already analysed by an earlier run of this job
        text = complaint.text

    from nlp import InvalidText

    try:
        # CPU-bound: keep the event loop (web requests, other jobs) responsive.
        analysis = await asyncio.to_thread(analyzer.analyze, text)
    except InvalidText as exc:
        async with sessions.begin() as session:
            complaint = await _load(session, complaint_id)
            if complaint is None or complaint.status != ComplaintStatus.REGISTERED:
                return
            complaint.rejected_reason = str(exc)[:300]
            await audit.set_complaint_status(session, complaint, ComplaintStatus.REJECTED, audit.SYSTEM)
            await queue_notification(
                session,
                complaint,
                "rejected",
                {"tracking_number": complaint.tracking_number, "reason": str(exc)},
            )
        return

    async with sessions.begin() as session:
        complaint = await _load(session, complaint_id)
        if complaint is None or complaint.status != ComplaintStatus.REGISTERED:
            return
        for position, found in enumerate(analysis.problems):
            session.add(
                Problem(
                    complaint_id=complaint.id,
                    position=position,
                    start=found.start,
                    end=found.end,
                    text=found.text,
                    category=found.category,
                    confidence=float(found.confidence),
                    needs_review=found.confidence < analysis.review_threshold,
                    evidence=list(found.evidence),
                )
            )
        complaint.categories = list(analysis.categories)
        complaint.facts = analysis.facts.to_dict()
        complaint.urgent = bool(analysis.urgent)
        complaint.urgent_reason = analysis.urgent_reason
        complaint.analysed_at = utcnow()
        await audit.set_complaint_status(
            session,
            complaint,
            ComplaintStatus.ANALYSED,
            audit.SYSTEM,
            categories=complaint.categories,
            urgent=complaint.urgent,
            needs_review=analysis.needs_review,
        )
        await enqueue(session, ROUTE_JOB, {"complaint_id": complaint.id}, dedupe_key=f"route:{complaint.id}")


async def route_analysed_complaint(sessions: async_sessionmaker[AsyncSession], complaint_id: int) -> None:
    async with sessions.begin() as session:
        complaint = await _load(session, complaint_id)
        if complaint is None or complaint.status != ComplaintStatus.ANALYSED:
            return
        await route_complaint(session, complaint)
