from django.apps import AppConfig


class CodebookConfig(AppConfig):
    name = "outsidein.codebook"
    verbose_name = "Codebook and text analytics"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Theme)
