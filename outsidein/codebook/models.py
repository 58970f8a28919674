"""The organisation's codebook of themes, corrections users make, and emerging topics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """One theme of the codebook; the per-language term lists follow outsidein.text.codebook."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    labels = models.JSONField(default=dict, blank=True, help_text=_("Name per language"))
    keywords = models.JSONField(default=dict, blank=True)
    phrases = models.JSONField(default=dict, blank=True)
    patterns = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AnalysisCorrection(models.Model):
    """A person's correction of the automatic analysis; it teaches `outsidein text train`."""

    class Field(models.TextChoices):
        SENTIMENT = "sentiment", _("Sentiment")
        THEMES = "themes", _("Themes")

    feedback = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(max_length=20, choices=Field.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.field} of feedback {self.feedback_id}"


class TopicStatus(models.TextChoices):
    NEW = "new", _("New")
    ADOPTED = "adopted", _("Turned into a theme")
    DISMISSED = "dismissed", _("Dismissed")


class EmergingTopic(models.Model):
    """A cluster of feedback that no theme covers, found by a discovery run."""

    discovered_at = models.DateTimeField(auto_now_add=True)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    size = models.PositiveIntegerField()
    keywords = models.JSONField(default=list)
    language = models.CharField(max_length=10, blank=True)
    trend = models.JSONField(default=dict, blank=True)
    member_ids = models.JSONField(default=list)
    representative_ids = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.NEW)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-discovered_at", "-size"]

    def __str__(self) -> str:
        return ", ".join(self.keywords[:3]) or f"topic {self.pk}"


class TrainedModel(models.Model):
    """A model the organisation trained on its own data (sentiment adaptation, touchpoints)."""

    name = models.CharField(max_length=50, unique=True)
    blob = models.BinaryField()
    trained_at = models.DateTimeField(auto_now=True)
    report = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


class TrainingRun(models.Model):
    """One run of `text train` (command line or the sentiment page), adopted or not: what
    it measured and who asked for it."""

    finished_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"sentiment training {self.finished_at:%Y-%m-%d %H:%M}"
