from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "outsidein.customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Customer)
        auditlog.register(models.Transaction)
