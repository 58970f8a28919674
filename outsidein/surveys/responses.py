"""Answering a survey: personal links and the anonymous link, turned into feedback items.

Every answer goes through the feedback ingestion service, so it is validated, stored
and analysed like feedback from any other source. Forms carry a signed one-time nonce:
a replayed or double-submitted form is recognised without cookies.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.ingest import ingest_feedback
from outsidein.feedback.models import FeedbackItem

from . import conf
from .models import Invitation, Response, Survey, SurveyStatus, SurveyVersion, UsedFormNonce
from .questions import ReadAnswers, feedback_fields
from .tokens import hash_token, looks_like_token

NONCE_SALT = "outsidein.surveys.form"
NONCE_MAX_AGE = 2 * 24 * 3600  # a form left open over a weekend is still accepted


class SurveyProblem(Exception):
    """Why a survey page cannot be answered; the view shows a page for `kind` with `status`."""

    def __init__(self, kind: str, status: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status = status


NOT_FOUND = ("not_found", 404)
EXPIRED = ("expired", 410)
CLOSED = ("closed", 410)
ANSWERED = ("answered", 410)
REPLAYED = ("replayed", 409)
BAD_FORM = ("bad_form", 400)


def problem(kind: tuple[str, int]) -> SurveyProblem:
    return SurveyProblem(*kind)


# ---------------------------------------------------------------------------
# Finding what is being answered


def invitation_for_token(token: str) -> Invitation:
    """The invitation of a personal link; a tampered or unknown token is 'not found'."""
    if not looks_like_token(token):
        raise problem(NOT_FOUND)
    digest = hash_token(token)
    invitation = (
        Invitation.objects.select_related("survey", "customer", "touchpoint", "transaction")
        .filter(token_hash=digest)
        .first()
    ) or (
        Invitation.objects.select_related("survey", "customer", "touchpoint", "transaction")
        .filter(reminder_token_hash=digest)
        .first()
    )
    if invitation is None or invitation.cancelled_at is not None:
        raise problem(NOT_FOUND)
    return invitation


def existing_response(invitation: Invitation) -> Response | None:
    return Response.objects.filter(invitation=invitation).select_related("version").first()


def check_personal(invitation: Invitation, now: datetime) -> Response | None:
    """The response to edit (or None for a fresh answer); raises when it cannot be answered."""
    response = existing_response(invitation)
    if response is not None:
        if response.editable_until is None or now > response.editable_until:
            raise problem(ANSWERED)
        return response
    if invitation.survey.status != SurveyStatus.LIVE:
        raise problem(CLOSED)
    if now > invitation.expires_at:
        raise problem(EXPIRED)
    return None


def public_survey(slug: str) -> Survey:
    survey = Survey.objects.select_related("listening_post", "touchpoint").filter(slug=slug).first()
    if survey is None or not survey.public_link:
        raise problem(NOT_FOUND)
    if survey.status != SurveyStatus.LIVE:
        raise problem(CLOSED)
    return survey


def mark_opened(invitation: Invitation, now: datetime) -> None:
    # "Opened" is counted when the survey page is opened: no tracking pixel in e-mails.
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now


def version_for_form(survey: Survey, number: Any) -> SurveyVersion:
    """The version whose questions the form showed (answers must match what was asked)."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise problem(BAD_FORM) from None
    version = survey.versions.filter(number=wanted).first()
    if version is None:
        raise problem(BAD_FORM)
    return version


# ---------------------------------------------------------------------------
# Form nonces


def issue_nonce(scope: str) -> str:
    return signing.dumps({"n": secrets.token_urlsafe(16), "s": scope}, salt=NONCE_SALT)


def read_nonce(signed: str, scope: str) -> str:
    try:
        value = signing.loads(signed or "", salt=NONCE_SALT, max_age=NONCE_MAX_AGE)
    except signing.SignatureExpired:
        raise problem(EXPIRED) from None
    except signing.BadSignature:
        raise problem(BAD_FORM) from None
    if not isinstance(value, dict) or value.get("s") != scope or not value.get("n"):
        raise problem(BAD_FORM)
    return str(value["n"])


# ---------------------------------------------------------------------------
# Submitting


@dataclass
class Submission:
    version: SurveyVersion
    read: ReadAnswers
    language: str
    nonce: str


def submit_personal(invitation: Invitation, submission: Submission, now: datetime) -> Response:
    """Store a first answer or change one within the edit window; one response per link."""
    try:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            _check_nonce_unused(submission.nonce)
            response = check_personal(locked, now)
            if response is not None:
                return _update(response, submission)
            response = _create(locked.survey, submission, locked, now)
            Invitation.objects.filter(pk=locked.pk).update(
                answered_at=now, opened_at=locked.opened_at or now
            )
            return response
    except IntegrityError:
        raise problem(REPLAYED) from None  # the same form sent twice at the same moment


def submit_anonymous(survey: Survey, submission: Submission, now: datetime) -> Response:
    try:
        with transaction.atomic():
            _check_nonce_unused(submission.nonce)
            return _create(survey, submission, None, now)
    except IntegrityError:
        raise problem(REPLAYED) from None


def _check_nonce_unused(nonce: str) -> None:
    # Inside the caller's transaction: a concurrent twin fails on the unique nonce.
    if UsedFormNonce.objects.filter(nonce=nonce).exists():
        raise problem(REPLAYED)
    UsedFormNonce.objects.create(nonce=nonce)


def _create(
    survey: Survey, submission: Submission, invitation: Invitation | None, now: datetime
) -> Response:
    response = Response.objects.create(
        survey=survey,
        version=submission.version,
        invitation=invitation,
        language=submission.language,
        answers=submission.read.answers,
        consent_contact=submission.read.consent,
        editable_until=(now + conf.edit_window()) if invitation else None,
    )
    row = feedback_row(response, invitation, now)
    report = ingest_feedback([row], default_post=survey.listening_post.slug)
    outcome = report.outcomes[0]
    if outcome.status == "rejected":
        # Cannot happen with answers read by questions.read_answers; fail loudly if it does.
        raise RuntimeError(f"survey answer refused by ingestion: {outcome.errors}")
    response.feedback_id = outcome.id
    response.save(update_fields=["feedback"])
    return response


def _update(response: Response, submission: Submission) -> Response:
    response.answers = submission.read.answers
    response.consent_contact = submission.read.consent
    response.language = submission.language
    response.save(update_fields=["answers", "consent_contact", "language", "updated_at"])
    item = FeedbackItem.objects.filter(pk=response.feedback_id).first()
    if item is not None:
        row = feedback_row(response, response.invitation, item.received_at)
        for name in ("text", "nps", "csat", "ces", "answers", "language"):
            setattr(item, name, row[name])
        item.analyzed_at = None  # the language is the survey's: analysis keeps it as given
        analyze_items([item])
        item.save()
    return response


def feedback_row(response: Response, invitation: Invitation | None, when: datetime) -> dict:
    """The response in the shared feedback row format."""
    survey, version = response.survey, response.version
    answers: dict[str, Any] = {
        "survey": survey.slug,
        "survey_version": version.number,
        **response.answers,
    }
    if any(q["kind"] == "consent" for q in version.questions):
        answers["consent_contact"] = bool(response.consent_contact)
    metadata: dict[str, Any] = {"source": "survey", "survey": survey.slug}
    if invitation is not None:
        external_id = f"survey-invitation-{invitation.pk}"
        metadata.update(channel="personal_link", invitation=invitation.pk)
        if invitation.transaction_id:
            metadata["transaction"] = invitation.transaction.external_id
        touchpoint = invitation.touchpoint or survey.touchpoint
        customer = invitation.customer.external_id
    else:
        external_id = f"survey-response-{response.pk}"
        metadata["channel"] = "public_link"
        touchpoint, customer = survey.touchpoint, None
    return {
        "listening_post": survey.listening_post.slug,
        "external_id": external_id,
        "customer": customer,
        "touchpoint": touchpoint.slug if touchpoint else None,
        "received_at": timezone.localtime(when).isoformat(),
        "language": response.language,
        **feedback_fields(version.questions, response.answers),
        "answers": answers,
        "metadata": metadata,
    }
