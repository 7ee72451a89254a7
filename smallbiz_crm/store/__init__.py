"""The SQLite file: tables, connections, migrations, backups and integrity checks."""
