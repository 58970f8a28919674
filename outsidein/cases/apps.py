from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "outsidein.cases"
    verbose_name = "Cases and the response loop"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Every change of a case (status, assignee, priority, root cause ...) is in the
        # audit log; the case page builds its timeline from it.
        auditlog.register(models.Case, exclude_fields=["sla_state", "escalated_steps"])
        auditlog.register(models.CaseContact)
        auditlog.register(models.AlertRule)
        auditlog.register(models.TeamChannel, mask_fields=["secret"])
        auditlog.register(models.TeamLead)
