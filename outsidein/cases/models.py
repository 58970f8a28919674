"""Alert rules, cases, customer contacts and the notification outbox."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outsidein.loop.calendar import BusinessCalendar
from outsidein.loop.rules import Rule, RuleAction, parse_condition
from outsidein.loop.sla import DEFAULT_POLICY
from outsidein.loop.sla import SlaPolicy as LoopSlaPolicy


class Priority(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class SlaPolicy(models.Model):
    """Business hours to first response and resolution per priority (see loop.sla)."""

    name = models.SlugField(unique=True)
    definition = models.JSONField(
        help_text=_('{"targets": {"high": {"first_response_hours": 4, "resolution_hours": 16}}}')
    )

    def __str__(self) -> str:
        return self.name

    def policy(self) -> LoopSlaPolicy:
        return LoopSlaPolicy.from_dict({**self.definition, "name": self.name})


class TeamSettings(models.Model):
    """A team's business calendar and default SLA policy; missing means NO 08-16."""

    class Country(models.TextChoices):
        NO = "NO", _("Norway")
        SE = "SE", _("Sweden")
        DK = "DK", _("Denmark")

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="loop_settings"
    )
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.NO)
    opening = models.TimeField(default=time(8))
    closing = models.TimeField(default=time(16))
    sla_policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.team}: {self.country} {self.opening:%H:%M}-{self.closing:%H:%M}"

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(self.country, opening=self.opening, closing=self.closing)


class TeamLead(models.Model):
    """The team lead: second step of the escalation chain."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="leads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_teams"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_lead_once")]

    def __str__(self) -> str:
        return f"{self.user} leads {self.team}"


class AlertRule(models.Model):
    """A CX lead's rule: when feedback matches ``condition``, open a case and notify."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    condition = models.JSONField(_("condition"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("team"),
        help_text=_("Empty: the team that owns the touchpoint (else the listening post)."),
    )
    sla_policy = models.ForeignKey(
        SlaPolicy,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("SLA policy"),
        help_text=_("Empty: the team's default policy."),
    )
    notify_email = models.BooleanField(_("e-mail the team"), default=True)
    notify_chat = models.BooleanField(_("post to the team's chat channels"), default=True)
    active = models.BooleanField(_("active"), default=False)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from outsidein.loop.rules import RuleValidationError

        if self.condition is None:
            return  # a form that failed to build one reports its own errors
        try:
            parse_condition(self.condition)
        except RuleValidationError as exc:
            raise ValidationError({"condition": exc.errors}) from None

    def to_rule(self) -> Rule:
        action = RuleAction(
            priority=self.priority,
            team=self.team.slug if self.team_id else None,
            sla_policy=self.sla_policy.name if self.sla_policy_id else None,
            notify=self.notify_email or self.notify_chat,
        )
        return Rule(
            id=self.pk or 0,
            name=self.name,
            condition=parse_condition(self.condition),
            action=action,
            enabled=self.active,
        )


class FeedbackEvaluation(models.Model):
    """Feedback the rules have looked at: the sweep evaluates items without one."""

    feedback = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="loop_evaluation"
    )
    evaluated_at = models.DateTimeField(auto_now_add=True)
    matched_rules = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"feedback {self.feedback_id} evaluated"


class LoopState(models.Model):
    """Small key/value state of the jobs (the sweep's watermark)."""

    key = models.CharField(max_length=50, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting_for_customer", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


class Case(models.Model):
    feedback = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="cases"
    )
    rule = models.ForeignKey(
        AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=300)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=25, choices=Status.choices, default=Status.NEW
    )
    opened_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The SLA terms at opening (policy and calendar as JSON), so later changes of a
    # team's calendar do not rewrite the history of old cases.
    sla_terms = models.JSONField(default=dict)
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)  # [[start, end|null]] waiting
    sla_state = models.CharField(max_length=10, choices=SlaState.choices, default=SlaState.ON_TRACK)
    escalated_steps = models.JSONField(default=list, blank=True)
    root_cause = models.CharField(_("root cause (theme)"), max_length=50, blank=True)
    improvement = models.TextField(_("improvement"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "rule"], name="case_once_per_rule")
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="case_team_status"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
            models.Index(fields=["status", "opened_at"], name="case_status_opened"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    CHAT = "chat", _("Chat")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    SOLVED = "solved", _("Solved with the customer")
    DECLINED = "declined", _("Customer declined")


class CaseContact(models.Model):
    """The inner loop: one contact with the customer about a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=15, choices=ContactOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome} ({self.at:%Y-%m-%d})"


class ChannelKind(models.TextChoices):
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams workflow webhook")
    WEBHOOK = "webhook", _("Signed JSON webhook")


class TeamChannel(models.Model):
    """A team's chat or webhook destination for case notifications."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.team}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        # Validated on every save, not only in forms: a private address is an SSRF risk.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .webhooks import url_problem

        problem = url_problem(self.url)
        if problem:
            raise ValidationError({"url": problem})


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("Daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    def __str__(self) -> str:
        return f"{self.user}: {self.mode}"


class Notification(models.Model):
    """The outbox: created in the transaction that decided to notify, sent by a job."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead letter")

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=20)  # case_opened, due_soon, ..., reply, digest
    step = models.CharField(max_length=60)
    channel = models.CharField(max_length=10)  # email | slack | teams | webhook
    recipient = models.CharField(max_length=500)  # e-mail address or channel URL
    team_channel = models.ForeignKey(
        TeamChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    subject = models.CharField(max_length=300, blank=True)  # replies and digests only
    body = models.TextField(blank=True)
    in_digest = models.BooleanField(default=False)  # held for the recipient's daily digest
    notification_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.channel} → {self.recipient} ({self.status})"


def default_policy() -> LoopSlaPolicy:
    return DEFAULT_POLICY
