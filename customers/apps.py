from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from customers.webhook_payloads import render_customer_for_webhook
        from webhooks import payloads

        payloads.register("customer", render_customer_for_webhook)
