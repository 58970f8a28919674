"""Hosted surveys: versions of questions, invitations with personal links, responses, opt-outs.

A survey belongs to a listening post (every answer becomes a feedback item there) and
usually to a touchpoint. Its questions live in versions: editing a survey that has
answers creates a new version, so an answer always points to the questions it answered.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("da", "Dansk"),
    ("sv", "Svenska"),
    ("en", "English"),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    listening_post = models.ForeignKey(
        "listening.ListeningPost", on_delete=models.PROTECT, related_name="surveys"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default="draft")
    languages = models.JSONField(default=list, help_text=_("Language codes the survey is in."))
    default_language = models.CharField(max_length=10, default="nb")
    template = models.CharField(max_length=50, blank=True)
    public_link = models.BooleanField(
        _("anonymous public link"), default=False, help_text=_("Anyone with the link may answer.")
    )
    delay_minutes = models.PositiveIntegerField(
        _("delay after the touchpoint (minutes)"), default=60
    )
    sampling_rate = models.FloatField(
        _("sampling rate"),
        default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Share of touchpoint events that get an invitation (0–1)."),
    )
    expires_after_days = models.PositiveIntegerField(_("link valid for (days)"), default=14)
    reminder_after_days = models.PositiveIntegerField(
        _("reminder after (days)"), default=3, help_text=_("0: no reminder.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> SurveyVersion | None:
        return self.versions.order_by("-number").first()


class SurveyVersion(models.Model):
    """The questions and texts of a survey as customers saw them; never changed once answered.

    `questions` is a list of {"id", "kind", "required", "text": {lang: str}, "choices":
    [{"id", "text": {lang: str}}], "low"/"high": {lang: str}}; `texts` holds the title,
    intro and thank-you message per language.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    questions = models.JSONField(default=list)
    texts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} v{self.number}"


class Invitation(models.Model):
    """One customer asked once about one touchpoint event, through a personal link.

    Only SHA-256 hashes of the link tokens are stored. The token is made when the
    invitation is sent (the e-mail carries it); the reminder gets a token of its own.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transaction = models.ForeignKey(
        "customers.Transaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(max_length=10)
    # Idempotency of touchpoint events: the same event never schedules two invitations.
    event_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    reminder_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scheduled_for = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [
            models.Index(fields=["customer", "scheduled_for"], name="invitation_customer_time"),
            models.Index(fields=["sent_at", "scheduled_for"], name="invitation_due"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} → {self.customer_id}"


class Response(models.Model):
    """A customer's answers; personal ones (with an invitation) may be edited for a while."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    language = models.CharField(max_length=10)
    answers = models.JSONField(default=dict)
    consent_contact = models.BooleanField(null=True)
    feedback = models.ForeignKey(
        "feedback.FeedbackItem", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    editable_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"response {self.pk} to {self.survey_id}"


class UsedFormNonce(models.Model):
    """Nonces of survey forms already submitted: a replayed or double-sent form is refused."""

    nonce = models.CharField(max_length=40, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.nonce


class OptOut(models.Model):
    """A customer who asked not to be surveyed again; every sending path checks it."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=30, default="unsubscribe_link")

    def __str__(self) -> str:
        return f"opt-out {self.customer_id}"
