from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "outsidein.web"
    verbose_name = "Web interface"
