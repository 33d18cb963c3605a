"""Alembic environment. The program hands in an open connection (already inside a locked
transaction, see bedboard.db.migrate); by hand, pass `-x db=PATH_OR_URL`."""

from alembic import context

from bedboard.db.engine import make_engine
from bedboard.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("db")
    if not url:
        raise SystemExit("pass the database: alembic -x db=PATH_OR_URL ...")
    engine = make_engine(url)
    with engine.connect() as conn:
        run_with(conn)
        conn.commit()
