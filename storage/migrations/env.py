"""Alembic environment: runs on the connection handed in by storage.database.migrate,
or, from the alembic command line, on DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage import models  # noqa: F401  (registers the tables)
from storage.models import Base

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url() -> None:
    from config.settings import normalise_database_url
    from storage.database import create_engine

    url = normalise_database_url(os.environ.get("DATABASE_URL", "sqlite:///data/sipbot.db"))
    engine = create_engine(url)
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # as storage.database.migrate: a rebuilt table must not cascade
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        async with connection.begin():
            await connection.run_sync(run_on)
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()
    await engine.dispose()


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    asyncio.run(run_from_url())
