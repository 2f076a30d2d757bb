"""The customers' figures (customers_customerstats), kept by the database itself as the role counts are (0004).

Triggers in the transaction of each write, whatever makes it (API, admin, imports, raw SQL): a customer's insert
creates its row and its delete removes it; an order's insert, delete or change of customer, status or total
moves the counts and the paid total by its own amounts (increments, so that concurrent orders of one customer
each count: a recount in the trigger would read a snapshot without the other); the last order (highest id) is
looked for again only when it is the one deleted or moved away. A `wc_last_active` meta row's write reads the
customer's first such row again. Existing rows are filled once here (customers.figures).
"""

import django.db.models.deletion
from django.db import migrations, models

from customers.figures import LAST_ACTIVE_KEY, PAID, last_active_sql, rebuild_sql

STATS = "customers_customerstats"


def _order_change(row: str, sign: str, vendor: str) -> str:
    """The statement that adds (sign "+") or takes away ("-") order `row` (NEW or OLD) from its customer's row."""
    paid = f"{row}.status IN ({PAID})"
    if sign == "+":
        greatest = "MAX" if vendor == "sqlite" else "GREATEST"
        last = f"{greatest}(COALESCE(last_order_id, 0), {row}.id)"
    else:
        last = (
            f"CASE WHEN last_order_id = {row}.id THEN"
            f" (SELECT MAX(o.id) FROM customers_order o WHERE o.customer_id = {row}.customer_id)"
            " ELSE last_order_id END"
        )
    return f"""UPDATE {STATS} SET
            orders_count = orders_count {sign} 1,
            paid_orders_count = paid_orders_count {sign} (CASE WHEN {paid} THEN 1 ELSE 0 END),
            total_spent = total_spent {sign} (CASE WHEN {paid} THEN {row}.total ELSE 0 END),
            last_order_id = {last}
        WHERE customer_id = {row}.customer_id"""


def _last_active(customer: str, vendor: str) -> str:
    active = last_active_sql("m.value", vendor)
    return f"""UPDATE {STATS} SET last_active = (
            SELECT {active} FROM customers_customermeta m
            WHERE m.customer_id = {customer} AND m.key = '{LAST_ACTIVE_KEY}' ORDER BY m.id LIMIT 1)
        WHERE customer_id = {customer}"""


CREATE_ROW = f"INSERT INTO {STATS} (customer_id, orders_count, paid_orders_count, total_spent) VALUES (NEW.id, 0, 0, 0)"
ORDER_FIELDS = "customer_id, status, total"

SQLITE = [
    f"""CREATE TRIGGER customers_stats_customer_insert AFTER INSERT ON customers_customer BEGIN
        {CREATE_ROW} ON CONFLICT (customer_id) DO NOTHING;
    END""",
    f"""CREATE TRIGGER customers_stats_customer_delete AFTER DELETE ON customers_customer BEGIN
        DELETE FROM {STATS} WHERE customer_id = OLD.id;
    END""",
    f"""CREATE TRIGGER customers_stats_order_insert AFTER INSERT ON customers_order
    WHEN NEW.customer_id IS NOT NULL BEGIN
        {_order_change("NEW", "+", "sqlite")};
    END""",
    f"""CREATE TRIGGER customers_stats_order_delete AFTER DELETE ON customers_order
    WHEN OLD.customer_id IS NOT NULL BEGIN
        {_order_change("OLD", "-", "sqlite")};
    END""",
    f"""CREATE TRIGGER customers_stats_order_update AFTER UPDATE OF {ORDER_FIELDS} ON customers_order BEGIN
        {_order_change("OLD", "-", "sqlite")};
        {_order_change("NEW", "+", "sqlite")};
    END""",
    f"""CREATE TRIGGER customers_stats_meta_insert AFTER INSERT ON customers_customermeta
    WHEN NEW.key = '{LAST_ACTIVE_KEY}' BEGIN
        {_last_active("NEW.customer_id", "sqlite")};
    END""",
    f"""CREATE TRIGGER customers_stats_meta_delete AFTER DELETE ON customers_customermeta
    WHEN OLD.key = '{LAST_ACTIVE_KEY}' BEGIN
        {_last_active("OLD.customer_id", "sqlite")};
    END""",
    f"""CREATE TRIGGER customers_stats_meta_update AFTER UPDATE ON customers_customermeta
    WHEN OLD.key = '{LAST_ACTIVE_KEY}' OR NEW.key = '{LAST_ACTIVE_KEY}' BEGIN
        {_last_active("OLD.customer_id", "sqlite")};
        {_last_active("NEW.customer_id", "sqlite")};
    END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS customers_stats_{name}"
    for name in (
        "customer_insert",
        "customer_delete",
        "order_insert",
        "order_delete",
        "order_update",
        "meta_insert",
        "meta_delete",
        "meta_update",
    )
]

POSTGRESQL = [
    f"""CREATE FUNCTION customers_stats_customer() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {CREATE_ROW} ON CONFLICT (customer_id) DO NOTHING;
        ELSE
            DELETE FROM {STATS} WHERE customer_id = OLD.id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION customers_stats_order() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.customer_id IS NOT NULL THEN
            {_order_change("OLD", "-", "postgresql")};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.customer_id IS NOT NULL THEN
            {_order_change("NEW", "+", "postgresql")};
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION customers_stats_meta() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.key = '{LAST_ACTIVE_KEY}' THEN
            {_last_active("OLD.customer_id", "postgresql")};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.key = '{LAST_ACTIVE_KEY}' THEN
            {_last_active("NEW.customer_id", "postgresql")};
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER customers_stats_customer AFTER INSERT OR DELETE ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customers_stats_customer()""",
    f"""CREATE TRIGGER customers_stats_order AFTER INSERT OR DELETE OR UPDATE OF {ORDER_FIELDS} ON customers_order
    FOR EACH ROW EXECUTE FUNCTION customers_stats_order()""",
    """CREATE TRIGGER customers_stats_meta AFTER INSERT OR DELETE OR UPDATE ON customers_customermeta
    FOR EACH ROW EXECUTE FUNCTION customers_stats_meta()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS customers_stats_customer ON customers_customer",
    "DROP TRIGGER IF EXISTS customers_stats_order ON customers_order",
    "DROP TRIGGER IF EXISTS customers_stats_meta ON customers_customermeta",
    "DROP FUNCTION IF EXISTS customers_stats_customer()",
    "DROP FUNCTION IF EXISTS customers_stats_order()",
    "DROP FUNCTION IF EXISTS customers_stats_meta()",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in [*(POSTGRESQL if vendor == "postgresql" else SQLITE), *rebuild_sql(vendor)]:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(sql)

class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_privacy'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerStats',
            fields=[
                ('customer', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='stats', serialize=False, to='customers.customer')),
                ('orders_count', models.BigIntegerField(default=0, verbose_name='orders')),
                ('paid_orders_count', models.BigIntegerField(default=0, verbose_name='paid orders')),
                ('total_spent', models.DecimalField(decimal_places=2, default=0, max_digits=20, verbose_name='total spent')),
                ('last_order_id', models.BigIntegerField(blank=True, null=True, verbose_name='last order')),
                ('last_active', models.BigIntegerField(blank=True, null=True, verbose_name='last active')),
            ],
            options={
                'verbose_name': 'customer figures',
                'verbose_name_plural': 'customer figures',
                'indexes': [models.Index(fields=['orders_count', 'customer'], name='customers_stats_orders'), models.Index(fields=['total_spent', 'customer'], name='customers_stats_spent'), models.Index(fields=['last_order_id', 'customer'], name='customers_stats_last_order'), models.Index(fields=['last_active', 'customer'], name='customers_stats_active')],
            },
        ),
        migrations.RunPython(create, drop),
    ]
