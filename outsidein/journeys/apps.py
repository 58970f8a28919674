from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "outsidein.journeys"
    verbose_name = "Customer journeys"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Journey)
        auditlog.register(models.Stage)
        auditlog.register(models.Touchpoint)
