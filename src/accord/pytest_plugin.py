"""The accord pytest plugin (registered through the ``pytest11`` entry point).

Options: ``--pact-dir DIR`` (where pact files go; default ``$ACCORD_PACT_DIR`` or ``pacts``)
and ``--pact-spec V2|V3|V4`` (the version fixture pacts target; default V4).

The ``pact`` fixture is a factory::

    def test_get_user(pact):
        p = pact("web", "users-api")
        p.upon_receiving("a request for user 1").with_request("GET", "/users/1") \\
         .will_respond_with(200).with_body({"id": match.integer(1)})
        with p.serve() as server:
            assert get_user(server.url, 1)["id"] == 1

Pacts made by the fixture are written once, at the end of the session, and only with the
interactions of tests that passed. Under pytest-xdist every worker writes its share; the
pact file lock and merge put them together. A mismatch fails the test with the mock
server's report as the message. Pacts a test makes itself (``Pact(...)``, pact-python style)
are written where its ``write_file(dir)`` says; if it never calls it, into ``--pact-dir``
at the end of the session.

This module loads in every pytest run where accord is installed, so it imports nothing
heavy until a test asks for the fixture.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from accord.consumer.pact import Pact

__all__ = ["pact", "pytest_addoption"]

_PACTS_KEY = pytest.StashKey[list]()  # the Pact objects a test made
_FAILED_KEY = pytest.StashKey[bool]()
_PASSED_KEY = pytest.StashKey[list]()  # session: pacts of passed tests
_PREVIOUS_DIR = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accord", "accord (Pact contract testing)")
    group.addoption("--pact-dir", action="store", default=None, metavar="DIR",
                    help="directory for pact files (default: $ACCORD_PACT_DIR or ./pacts)")
    group.addoption("--pact-spec", action="store", default=None, metavar="VERSION",
                    help="Pact Specification version for the 'pact' fixture: V2, V3 or V4 "
                         "(default V4)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_PASSED_KEY] = []
    directory = config.getoption("pact_dir", None)
    if directory:
        # Pacts a test makes itself write_file() into --pact-dir when given no directory.
        from accord.consumer.run import default_run

        config.stash[_PREVIOUS_DIR] = default_run().use_pact_dir(directory)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREVIOUS_DIR in config.stash:
        from accord.consumer.run import default_run

        default_run().use_pact_dir(config.stash[_PREVIOUS_DIR])


@pytest.fixture
def pact(request: pytest.FixtureRequest) -> Iterator[Callable[..., Pact]]:
    """A factory: ``pact(consumer, provider, *, spec=None, **options)`` → a ``Pact`` whose
    interactions are written at session end if this test passes."""
    from accord.consumer.pact import Pact

    made: list[Pact] = []
    request.node.stash[_PACTS_KEY] = made
    config = request.config

    def factory(consumer: str, provider: str, *, spec: str | None = None, **options: Any) -> Pact:
        options.setdefault("auto_write", False)  # written at session end if the test passed
        p = Pact(consumer, provider, **options)
        version = spec or config.getoption("pact_spec", None)
        if version:
            p.with_specification(version)
        made.append(p)
        return p

    yield factory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    made = item.stash.get(_PACTS_KEY, None)
    if made is None:
        return report
    if report.failed or (report.when == "call" and report.outcome != "passed"):
        item.stash[_FAILED_KEY] = True
    if report.when == "teardown" and not item.stash.get(_FAILED_KEY, False):
        item.config.stash[_PASSED_KEY].extend(made)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    passed = session.config.stash.get(_PASSED_KEY, [])
    directory = session.config.getoption("pact_dir", None)
    if not passed and "accord.consumer.run" not in sys.modules:
        return  # no consumer test ran: nothing to write, and nothing heavy to import
    from accord.consumer.run import default_run

    run = default_run()
    # Pacts made without the fixture whose tests never called write_file(dir) go to
    # --pact-dir now rather than to the default directory at exit.
    run.write_deferred(directory)
    if passed:
        run.write_pacts(passed, directory)
        passed.clear()
