from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "outsidein.accounts"
    verbose_name = "Teams and users"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Team)
        auditlog.register(
            models.User, exclude_fields=["password", "last_login"], m2m_fields={"teams"}
        )
        auditlog.register(models.ApiToken, exclude_fields=["key_hash", "last_used_at"])
