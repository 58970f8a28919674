"""Feedback items: every piece of customer feedback from every listening post."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class FeedbackItem(models.Model):
    # No index of its own: the unique (listening_post, external_id) constraint and the
    # (listening_post, received_at) index both start with it, and each index slows ingestion.
    listening_post = models.ForeignKey(
        "listening.ListeningPost",
        on_delete=models.PROTECT,
        related_name="feedback",
        db_index=False,
    )
    external_id = models.CharField(max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    received_at = models.DateTimeField()
    language = models.CharField(max_length=10, blank=True)
    text = models.TextField(blank=True)
    nps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    csat = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    ces = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    answers = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Filled by the text analytics (outsidein.text); redacted_text is what the UI shows.
    redacted_text = models.TextField(blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    themes = models.JSONField(default=list, blank=True)
    analysis = models.JSONField(default=dict, blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listening_post", "external_id"], name="feedback_unique_per_post"
            ),
            models.CheckConstraint(
                condition=models.Q(nps__isnull=True) | models.Q(nps__lte=10),
                name="feedback_nps_range",
            ),
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                name="feedback_csat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ces__isnull=True) | models.Q(ces__gte=1, ces__lte=7),
                name="feedback_ces_range",
            ),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="feedback_recent"),
            models.Index(fields=["listening_post", "received_at"], name="feedback_post_time"),
            models.Index(fields=["touchpoint", "received_at"], name="feedback_touchpoint_time"),
            models.Index(fields=["language"], name="feedback_language"),
        ]

    def __str__(self) -> str:
        return f"{self.listening_post_id}:{self.external_id}"

    @property
    def display_text(self) -> str:
        """The text as shown to people, always without personal numbers and addresses.

        Items imported with --no-analyze have no redacted text yet: they are redacted here,
        on the fly, rather than shown (or e-mailed to a team) as they came in."""
        if self.redacted_text or not self.text:
            return self.redacted_text
        from outsidein.text.pii import redact

        return redact(self.text).text
