from django.apps import AppConfig


class WcompatConfig(AppConfig):
    name = "wcompat"
    verbose_name = "WooCommerce API"
