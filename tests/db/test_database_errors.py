"""`components.data.database_errors` names each database failure correctly (issue 12, item 5), with real errors:
a NUL sent to PostgreSQL is a DataError ("check what you typed"), never "the database did not answer"; a database
nobody listens on is an OperationalError, and only that one "did not answer"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from streamlit.testing.v1 import AppTest

from components.data import describe_database_error
from tests.pg_cluster import PostgresCluster, free_port

pytestmark = pytest.mark.timeout(120)

REFUSED_VALUE = (
    "We couldn't load this data: the database refused a value in it (a character or a number it cannot store). "
    "Check what you typed — pasted text can carry invisible characters — and try again."
)
DID_NOT_ANSWER = "We couldn't load this data right now: the database did not answer. Please try again in a minute."


@pytest.fixture(scope="module")
def pg_url(pg_cluster: PostgresCluster) -> str:
    return pg_cluster.create_database("database_errors")


@pytest.fixture
def pg(pg_url: str) -> Iterator[Engine]:
    engine = create_engine(pg_url)
    yield engine
    engine.dispose()


def raised(engine: Engine, sql: str, **params: object) -> SQLAlchemyError:
    with pytest.raises(SQLAlchemyError) as caught, engine.connect() as connection:
        connection.execute(text(sql), params)
    return caught.value


def down_url() -> str:
    return f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=3"


def test_a_nul_in_a_text_parameter_is_a_data_error_on_postgresql(pg: Engine) -> None:
    error = raised(pg, "SELECT :value", value="pri\x00cing")

    assert isinstance(error, DataError)
    assert describe_database_error(error) == (REFUSED_VALUE, ":material/error:")


def test_a_number_too_large_for_its_column_is_a_data_error_too(pg: Engine) -> None:
    error = raised(pg, "SELECT CAST(:value AS numeric(12, 2))", value="12345678901234")

    assert isinstance(error, DataError)
    assert describe_database_error(error, doing="save your price")[0].startswith(
        "We couldn't save your price: the database refused a value in it"
    )


def test_a_database_nobody_listens_on_did_not_answer() -> None:
    engine = create_engine(down_url())
    try:
        error = raised(engine, "SELECT 1")
    finally:
        engine.dispose()

    assert isinstance(error, OperationalError)
    assert describe_database_error(error) == (DID_NOT_ANSWER, ":material/cloud_off:")


def test_a_duplicate_and_a_bug_are_neither_of_the_two(pg: Engine) -> None:
    with pg.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS once (k text PRIMARY KEY)"))
        connection.execute(text("DELETE FROM once"))
        connection.execute(text("INSERT INTO once VALUES ('a')"))
    duplicate = raised(pg, "INSERT INTO once VALUES ('a')")
    bug = raised(pg, "SELECT no_such_column FROM once")

    assert isinstance(duplicate, IntegrityError) and isinstance(bug, ProgrammingError)
    assert describe_database_error(duplicate)[0] == (
        "We couldn't load this data: it clashes with a change saved at the same moment. Reload the page and try again."
    )
    assert "did not answer" not in describe_database_error(bug)[0]
    assert "refused a value" not in describe_database_error(bug)[0]


def page(url: str, value: str) -> None:
    """A page that loads one value through `database_errors()` (AppTest runs this function as the script)."""
    import streamlit as st
    from sqlalchemy import create_engine, text

    from components.data import database_errors

    engine = create_engine(url)
    try:
        with database_errors(), engine.connect() as connection:
            st.write(connection.execute(text("SELECT :value"), {"value": value}).scalar_one())
        st.write("after the query")  # never reached after an error: the page stops at its message
    finally:
        engine.dispose()


def test_the_page_says_the_value_was_refused_not_that_the_database_is_down(pg_url: str) -> None:
    at = AppTest.from_function(page, args=(pg_url, "pri\x00cing"), default_timeout=30).run()

    assert not at.exception
    assert [e.value for e in at.error] == [REFUSED_VALUE]
    assert [m.value for m in at.markdown] == []


def test_the_page_says_did_not_answer_only_when_the_database_is_down() -> None:
    at = AppTest.from_function(page, args=(down_url(), "pricing"), default_timeout=30).run()

    assert not at.exception
    assert [e.value for e in at.error] == [DID_NOT_ANSWER]


def test_the_page_shows_the_value_when_nothing_fails(pg_url: str) -> None:
    at = AppTest.from_function(page, args=(pg_url, "pricing"), default_timeout=30).run()

    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["pricing", "after the query"]
