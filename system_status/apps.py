from django.apps import AppConfig


class SystemStatusConfig(AppConfig):
    name = "system_status"
    verbose_name = "System status"
