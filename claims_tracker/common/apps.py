from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "claims_tracker.common"
    label = "common"
    verbose_name = "Common"
