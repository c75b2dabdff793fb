"""Alembic environment for dossier's schema.

Run programmatically by ``dossier.store.db.Database.upgrade`` (which passes an open connection in
``config.attributes["connection"]``); ``sqlalchemy.url`` in the config is the fallback for running
Alembic by hand. To write the next migration, change ``dossier/store/schema.py``, then::

    python -c "from alembic.config import Config; from alembic import command; \
      c = Config(); c.set_main_option('script_location', 'dossier/store/migrations'); \
      c.set_main_option('sqlalchemy.url', 'sqlite:////tmp/draft.db'); \
      command.upgrade(c, 'head'); command.revision(c, 'what changed', autogenerate=True)"

and edit the generated file in ``versions/`` by hand (keep types portable, as in 0001).
``tests/test_store_db.py`` fails while the models and the migrations disagree.
"""

from __future__ import annotations

from alembic import context

from dossier.store.db import make_engine
from dossier.store.schema import Base


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead, so later
        # migrations are written once for both databases.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own_connection:
        _run(own_connection)
    engine.dispose()
