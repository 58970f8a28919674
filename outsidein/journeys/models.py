"""Customer journeys (kundereiser): journey → stages → touchpoints."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Journey(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField()
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["journey", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "slug"], name="stage_slug_unique_in_journey")
        ]

    def __str__(self) -> str:
        return f"{self.journey.name} › {self.name}"


class Touchpoint(models.Model):
    """A touchpoint (kontaktpunkt); its slug is unique so files can refer to it."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
    )
    moment_of_truth = models.BooleanField(
        _("moment of truth"),
        default=False,
        help_text=_("A touchpoint that decides the relationship (sannhetens øyeblikk)."),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["stage", "position", "name"]

    def __str__(self) -> str:
        return self.name
