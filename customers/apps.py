from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from django.urls import reverse

        from customers.events import HOOKS
        from customers.webhook_payloads import render_customers_for_webhook
        from webhooks import topics

        # The customer topics, their hooks and payloads: the webhooks app knows no resource of its own.
        topics.register(
            "customer",
            hooks=HOOKS,
            render=render_customers_for_webhook,
            admin_url=lambda pk: reverse("admin:customers_customer_change", args=[pk]),
        )
