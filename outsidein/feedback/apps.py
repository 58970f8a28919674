from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "outsidein.feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Free text is personal data: the audit log records that it changed, never its content.
        auditlog.register(
            models.FeedbackItem,
            exclude_fields=["text", "redacted_text", "analysis", "search_text"],
        )
