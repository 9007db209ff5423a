"""Alembic environment: migrates the database named in the config that runner.store.migrate builds."""
from alembic import context

from runner.store.db import Database
from runner.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None  # runner.store.migrate always sets it
database = Database(url)
with database.engine.connect() as connection:
    if database.is_sqlite:
        # Batch migrations rebuild tables; SQLite would refuse to drop a table other rows point at.
        # (On the DBAPI connection itself: the pragma is a no-op inside the transaction SQLAlchemy would begin.)
        driver = connection.connection.driver_connection
        assert driver is not None  # a checked-out connection always holds its DBAPI connection
        driver.execute("PRAGMA foreign_keys=OFF")
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=database.is_sqlite)
    with context.begin_transaction():
        context.run_migrations()
database.dispose()
