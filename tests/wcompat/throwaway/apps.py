from django.apps import AppConfig


class ThrowawayConfig(AppConfig):
    name = "tests.wcompat.throwaway"
    label = "throwaway"
