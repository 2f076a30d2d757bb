"""Per-role customer counts kept by the database itself, so X-WP-Total of an unfiltered list is one row read.

A trigger on each insert, delete and role change updates customers_rolecount in the same transaction as the
change, whatever made it (API, admin, bulk import, raw SQL). TRUNCATE, which fires no row trigger, empties
the counts on PostgreSQL. Existing customers are counted once here, and existing paying customers flagged.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER customers_rolecount_insert AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customers_rolecount (role, count) VALUES (NEW.role, 1)
        ON CONFLICT (role) DO UPDATE SET count = count + 1;
    END""",
    """CREATE TRIGGER customers_rolecount_delete AFTER DELETE ON customers_customer BEGIN
        UPDATE customers_rolecount SET count = count - 1 WHERE role = OLD.role;
    END""",
    """CREATE TRIGGER customers_rolecount_update AFTER UPDATE OF role ON customers_customer
    WHEN OLD.role <> NEW.role BEGIN
        UPDATE customers_rolecount SET count = count - 1 WHERE role = OLD.role;
        INSERT INTO customers_rolecount (role, count) VALUES (NEW.role, 1)
        ON CONFLICT (role) DO UPDATE SET count = count + 1;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS customers_rolecount_insert",
    "DROP TRIGGER IF EXISTS customers_rolecount_delete",
    "DROP TRIGGER IF EXISTS customers_rolecount_update",
]

POSTGRESQL = [
    # A decrement never creates a row: emptied counts (a test database flushed table by table) stay empty.
    """CREATE FUNCTION customers_rolecount_add(changed_role text, delta bigint) RETURNS void AS $$
    BEGIN
        IF delta < 0 THEN
            UPDATE customers_rolecount SET count = count + delta WHERE role = changed_role;
        ELSE
            INSERT INTO customers_rolecount (role, count) VALUES (changed_role, delta)
            ON CONFLICT (role) DO UPDATE SET count = customers_rolecount.count + delta;
        END IF;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION customers_rolecount_row() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM customers_rolecount_add(NEW.role, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM customers_rolecount_add(OLD.role, -1);
        ELSIF OLD.role IS DISTINCT FROM NEW.role THEN
            PERFORM customers_rolecount_add(OLD.role, -1);
            PERFORM customers_rolecount_add(NEW.role, 1);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION customers_rolecount_truncate() RETURNS trigger AS $$
    BEGIN
        DELETE FROM customers_rolecount;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER customers_rolecount_row AFTER INSERT OR DELETE OR UPDATE OF role ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customers_rolecount_row()""",
    """CREATE TRIGGER customers_rolecount_truncate AFTER TRUNCATE ON customers_customer
    FOR EACH STATEMENT EXECUTE FUNCTION customers_rolecount_truncate()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS customers_rolecount_truncate ON customers_customer",
    "DROP TRIGGER IF EXISTS customers_rolecount_row ON customers_customer",
    "DROP FUNCTION IF EXISTS customers_rolecount_truncate()",
    "DROP FUNCTION IF EXISTS customers_rolecount_row()",
    "DROP FUNCTION IF EXISTS customers_rolecount_add(text, bigint)",
]

RECOUNT = [
    "DELETE FROM customers_rolecount",
    "INSERT INTO customers_rolecount (role, count) SELECT role, COUNT(*) FROM customers_customer GROUP BY role",
    """UPDATE customers_customer SET is_paying_customer = TRUE WHERE EXISTS (
        SELECT 1 FROM customers_order o
        WHERE o.customer_id = customers_customer.id AND o.status IN ('processing', 'completed'))""",
]


def create(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in [*statements, *RECOUNT]:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_paying_customer_meta_role_counts")]

    operations = [migrations.RunPython(create, drop)]
