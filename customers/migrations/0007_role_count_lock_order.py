"""A role change takes its two per-role counts in one order (by role name), on PostgreSQL.

0004's trigger decremented the old role's count, then incremented the new one's. Two transactions changing
roles in opposite directions (A -> B and B -> A) then each held one count row and waited for the other's:
a deadlock, one of the writes refused. Taken in one order, the second waits for the first instead.
SQLite has one writer at a time, and its triggers are left as they are.
"""

from django.db import migrations


def _row_function(role_change: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION customers_rolecount_row() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM customers_rolecount_add(NEW.role, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM customers_rolecount_add(OLD.role, -1);
        ELSIF OLD.role IS DISTINCT FROM NEW.role THEN
{role_change}
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""


IN_ROLE_ORDER = _row_function(
    """            IF OLD.role < NEW.role THEN
                PERFORM customers_rolecount_add(OLD.role, -1);
                PERFORM customers_rolecount_add(NEW.role, 1);
            ELSE
                PERFORM customers_rolecount_add(NEW.role, 1);
                PERFORM customers_rolecount_add(OLD.role, -1);
            END IF;"""
)
OLD_THEN_NEW = _row_function(
    """            PERFORM customers_rolecount_add(OLD.role, -1);
            PERFORM customers_rolecount_add(NEW.role, 1);"""
)


def replace_with(sql: str):
    def replace(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return replace


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_import_checkpoint")]

    operations = [migrations.RunPython(replace_with(IN_ROLE_ORDER), replace_with(OLD_THEN_NEW))]
