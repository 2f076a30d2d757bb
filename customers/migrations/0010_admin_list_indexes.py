"""The admin's customer list at a million: its sort by name, its country filter, its search by city, postcode
and name (trigram indexes for the names on PostgreSQL, as 0002 made for login, email and display name)."""

import django.db.models.functions.text
from django.db import migrations, models

NAMES = ("first_name", "last_name")


def create_name_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in NAMES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS customers_{column}_trgm ON customers_customer "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )


def drop_name_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in NAMES:
            schema_editor.execute(f"DROP INDEX IF EXISTS customers_{column}_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_customer_stats'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='address',
            index=models.Index(fields=['type', 'country', 'customer'], name='customers_address_country'),
        ),
        migrations.AddIndex(
            model_name='address',
            index=models.Index(django.db.models.functions.text.Upper('city'), name='customers_address_city'),
        ),
        migrations.AddIndex(
            model_name='address',
            index=models.Index(django.db.models.functions.text.Upper('postcode'), name='customers_address_postcode'),
        ),
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['last_name', 'id'], name='customers_last_name_id'),
        ),
        migrations.RunPython(create_name_trigram_indexes, drop_name_trigram_indexes),
    ]
