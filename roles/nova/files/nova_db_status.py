# Reads what the nova role needs to decide whether to sync schemas or touch cells,
# without changing anything. Input (stdin, JSON): {"api": URL, "cell0": URL, "cell1": URL}.
# Output (stdout, JSON): the schema heads the installed nova expects, the schema version of
# each database ([] when it has no schema yet), the cell mappings and the host mappings.
import importlib.util
import json
import os
import sys

import sqlalchemy as sa
from alembic.script import ScriptDirectory

# Nova's migrations, found without importing nova (which takes seconds).
NOVA = importlib.util.find_spec("nova").submodule_search_locations[0]


def heads(schema):
    return sorted(ScriptDirectory(os.path.join(NOVA, "db", schema, "migrations")).get_heads())


def rows(url, table, query):
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(table):
            return []
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


def versions(url):
    return sorted(r["version_num"] for r in rows(url, "alembic_version", "SELECT version_num FROM alembic_version"))


urls = json.load(sys.stdin)
json.dump(
    {
        "heads": {"api": heads("api"), "main": heads("main")},
        "versions": {name: versions(url) for name, url in urls.items()},
        "cells": rows(
            urls["api"], "cell_mappings", "SELECT uuid, name, transport_url, database_connection FROM cell_mappings"
        ),
        "hosts": rows(
            urls["api"],
            "host_mappings",
            "SELECT h.host, c.name AS cell FROM host_mappings h JOIN cell_mappings c ON h.cell_id = c.id",
        ),
    },
    sys.stdout,
)
