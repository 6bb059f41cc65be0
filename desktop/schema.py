"""The schema version of Curate's databases, in a module of its own so that the light read path
(:mod:`desktop.db_light`) knows it without importing the database stack."""

#: Current schema version, stored in ``PRAGMA user_version`` (SQLite) or the ``curate_schema``
#: table (PostgreSQL).
SCHEMA_VERSION = 10
