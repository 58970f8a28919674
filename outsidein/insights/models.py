"""Daily rollups of feedback (what every dashboard figure is computed from), the CX lead's
measurement settings, and each customer's value segment.

Rollup rows hold *counts per score value* per day and dimension combination: the sufficient
statistics of every metric in outsidein.analytics.metrics, so summed rollups give exactly the
figures of a raw scan.  Dimension columns hold ids and codes, not foreign keys: a rollup is a
derived cache that `outsidein rollups rebuild` can always recreate.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

NPS_COLUMNS = tuple(f"nps_{v}" for v in range(0, 11))
CSAT_COLUMNS = tuple(f"csat_{v}" for v in range(1, 6))
CES_COLUMNS = tuple(f"ces_{v}" for v in range(1, 8))
COUNT_COLUMNS = ("items", *NPS_COLUMNS, *CSAT_COLUMNS, *CES_COLUMNS)
SCORE_COLUMNS = {"nps": NPS_COLUMNS, "csat": CSAT_COLUMNS, "ces": CES_COLUMNS}

# The abstract base with one counter per score value, built from the column lists above so the
# rollup code and the schema cannot drift apart.
Counts = type(
    "Counts",
    (models.Model,),
    {
        "__module__": __name__,
        "Meta": type("Meta", (), {"abstract": True}),
        **{c: models.PositiveIntegerField(default=0) for c in COUNT_COLUMNS},
    },
)


class Days(Counts):
    """The day and, precomputed, the start of its week (Monday) and month, so trends group by
    a plain column instead of a date function per row."""

    day = models.DateField()
    week = models.DateField()
    month = models.DateField()

    class Meta:
        abstract = True


class TotalRollup(Days):
    """Smallest grain (overview): day × listening post × sentiment; bounded by days, not items."""

    post_id = models.IntegerField()
    sentiment = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="total_rollup_day")]


class TouchpointRollup(Days):
    """Journey heatmap grain: day × touchpoint × listening post."""

    post_id = models.IntegerField()
    touchpoint_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="touchpoint_rollup_day")]


class CoreRollup(Days):
    """Day × listening post × touchpoint × sentiment."""

    post_id = models.IntegerField()
    touchpoint_id = models.IntegerField(null=True)
    sentiment = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="core_rollup_day")]


class SegmentRollup(Days):
    """Core grain plus the customer's language, country and value tier (segment filters)."""

    post_id = models.IntegerField()
    touchpoint_id = models.IntegerField(null=True)
    sentiment = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, blank=True)
    value_tier = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="segment_rollup_day")]


class ThemeTotalRollup(Days):
    """Themes at the overview grain: day × theme × listening post × sentiment."""

    theme = models.CharField(max_length=100)
    post_id = models.IntegerField()
    sentiment = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day", "theme"], name="theme_total_rollup_day")]


class ThemeRollup(Days):
    """One row per theme mentioned: an item with three themes counts once in each."""

    theme = models.CharField(max_length=100)
    post_id = models.IntegerField()
    touchpoint_id = models.IntegerField(null=True)
    sentiment = models.CharField(max_length=10, blank=True)
    value_tier = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day", "theme"], name="theme_rollup_day")]


class MeasureSettings(models.Model):
    """The CX lead's display rules for every figure (one row)."""

    min_n = models.PositiveIntegerField(
        _("minimum n"),
        default=30,
        help_text=_("Figures based on fewer answers are greyed out with a warning."),
    )
    churn_months = models.PositiveSmallIntegerField(_("churn window in months"), default=6)

    class Meta:
        verbose_name = _("measurement settings")
        verbose_name_plural = _("measurement settings")

    def __str__(self) -> str:
        return f"min n {self.min_n}, churn window {self.churn_months} months"

    @classmethod
    def current(cls) -> MeasureSettings:
        return cls.objects.get_or_create(pk=1)[0]


class ValueTier(models.TextChoices):
    PLATINUM = "platinum", _("Platinum")
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    BRONZE = "bronze", _("Bronze")


class CustomerValue(models.Model):
    """RFM scores, value tier and lifetime value of one customer, from its transactions."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="value"
    )
    recency_days = models.PositiveIntegerField()
    frequency = models.PositiveIntegerField()
    monetary = models.DecimalField(max_digits=16, decimal_places=2)
    r = models.PositiveSmallIntegerField()
    f = models.PositiveSmallIntegerField()
    m = models.PositiveSmallIntegerField()
    rfm_score = models.PositiveSmallIntegerField()
    rfm_code = models.CharField(max_length=3)
    tier = models.CharField(max_length=10, choices=ValueTier.choices)
    clv = models.FloatField(null=True, blank=True, help_text=_("Expected value, next 12 months"))
    p_alive = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["tier"], name="customer_value_tier")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.tier} ({self.rfm_code})"
