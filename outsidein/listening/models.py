"""Listening posts: the channels through which the customer's voice arrives."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SURVEY = "survey", _("Survey")
    REVIEW_SITE = "review_site", _("Review site")
    SUPPORT_TICKET = "support_ticket", _("Support ticket")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    CALL_TRANSCRIPT = "call_transcript", _("Call transcript")
    SOCIAL = "social", _("Social media")
    EMPLOYEE_OBSERVATION = "employee_observation", _("Employee observation")


class ListeningPost(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    structured = models.BooleanField(
        default=False, help_text=_("Structured posts ask fixed questions (scores).")
    )
    owner_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listening_posts",
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
