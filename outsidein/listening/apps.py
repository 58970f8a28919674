from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "outsidein.listening"
    verbose_name = "Listening posts"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.ListeningPost)
