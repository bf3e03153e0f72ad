"""Provider verification steps shared by HTTP and message providers: running accord.Verifier
and checking its result, the state callback's calls, the broker, and the console output."""

from __future__ import annotations

import io
import json
from typing import Any

from pytest_bdd import given, parsers, then, when

from accord.model import Interaction, Pact

from ..support.broker import Broker
from ..support.http import rows
from ..support.inspect import describe, iter_mismatches
from ..support.pacts import PROVIDER, make_pact, write_pact_file
from ..support.world import World

# The official verifier's error phrases and the mismatch kinds behind them.
ERRORS = {
    "Response status did not match": {"StatusMismatch"},
    "Headers had differences": {"HeaderMismatch"},
    "Body had differences": {"BodyMismatch", "BodyTypeMismatch"},
    "Metadata had differences": {"MetadataMismatch"},
}


class StateCallback:
    """The provider state callback: records every call; may be told to fail."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, state: str, action: str, params: dict[str, Any]) -> None:
        self.calls.append((state, action, dict(params)))
        if self.fail:
            raise RuntimeError(f"state callback failed for {state!r}")


def add_pact(world: World, interaction: Interaction) -> None:
    """Write one pact (its own consumer) for the interaction, or publish it to the broker."""
    consumer = f"c_{len(world.pact_files) + len(world.extra.get('published', [])) + 1}"
    pact = make_pact([interaction], world.spec, consumer=consumer)
    if world.from_broker:
        broker(world).publish(pact)
        world.extra.setdefault("published", []).append(pact)
    else:
        world.pact_files.append(write_pact_file(pact, world.tmp / "pacts", upgrade=True))


def broker(world: World) -> Broker:
    if world.broker is None:
        world.broker = Broker(world.tmp / "broker").__enter__()
        world.cleanup.append(lambda: world.broker.__exit__(None, None, None))
    return world.broker


@given("a provider state callback is configured")
def _(world: World) -> None:
    world.state_callback = StateCallback()


@given("a provider state callback is configured, but will return a failure")
def _(world: World) -> None:
    world.state_callback = StateCallback(fail=True)


@given("a request filter is configured to make the following changes:")
def _(world: World, datatable: list[list[str]]) -> None:
    from ..support.suite import parse_header_cell

    world.request_filter_headers = parse_header_cell(rows(datatable)[0]["headers"])


@given("publishing of verification results is enabled")
def _(world: World) -> None:
    world.publish = True


@when("the verification is run")
def _(world: World) -> None:
    from accord import Verifier
    from accord.reporting.console import ConsoleReporter

    verifier = Verifier(PROVIDER)
    for path in world.pact_files:
        verifier.add_source(path)
    if world.from_broker:
        verifier.broker_source(broker(world).url, use_env=False, selector=True
                               ).consumer_version(latest=True)
    if world.provider is not None:
        verifier.add_transport(url=world.provider.url)
    if world.extra.get("producers"):
        verifier.message_handler(world.extra["producers"])
    if world.state_callback is not None:
        verifier.state_handler(world.state_callback, teardown=True)
    if world.request_filter_headers:
        headers = world.request_filter_headers

        def add_headers(request: Any) -> Any:
            for name, value in headers:
                request.headers[name] = value
            return request

        verifier.request_filter(add_headers)
    if world.publish:
        verifier.set_publish_options("1.0.0", branch="main")
    out = io.StringIO()
    world.result = verifier.verify(raises=False, reporters=[ConsoleReporter(out, colour=False)])
    world.output = out.getvalue()


@then(parsers.re(r"the verification will (?P<neg>NOT )?be successful"))
def _(world: World, neg: str | None) -> None:
    assert world.result.ok is (not neg), world.result.report()


def _kinds(results: list[Any]) -> set[str]:
    return {m.kind for r in results for m in iter_mismatches(r.mismatches)}


@then(parsers.parse('the verification results will contain a "{error}" error'))
def _(world: World, error: str) -> None:
    failed = [r for r in world.result.results if not r.ok]
    assert failed, world.result.report()
    if error == "State change request failed":
        assert any("state" in (r.error or "").lower() for r in failed), world.result.report()
        return
    assert ERRORS[error] & _kinds(failed), (
        f"no {error!r} ({ERRORS[error]}) in: {describe(failed)}")


@then(parsers.parse('there will be a pending "{error}" error'))
def _(world: World, error: str) -> None:
    pending = world.result.pending_failures
    assert pending, world.result.report()
    assert ERRORS[error] & _kinds(pending), describe(pending)


# ------------------------------------------------------------------ the state callback


def _calls(world: World, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [c for c in world.state_callback.calls if c[1] == action]


@then("the provider state callback will be called before the verification is run")
def _(world: World) -> None:
    assert _calls(world, "setup"), world.state_callback.calls


@then("the provider state callback will be called after the verification is run")
def _(world: World) -> None:
    assert _calls(world, "teardown"), world.state_callback.calls


@then(parsers.re(r"the provider state callback will receive a (?P<action>setup|teardown) call "
                 r'(with )?"(?P<state>[^"]*)" as the provider state parameter'))
def _(world: World, action: str, state: str) -> None:
    assert state in [c[0] for c in _calls(world, action)], world.state_callback.calls


@then(parsers.re(r"the provider state callback will receive a (?P<action>setup|teardown) call "
                 r'(with )?"(?P<state>[^"]*)" and the following parameters:'))
def _(world: World, action: str, state: str, datatable: list[list[str]]) -> None:
    params = {k: json.loads(v) for k, v in rows(datatable)[0].items()}
    assert (state, action, params) in world.state_callback.calls, world.state_callback.calls


@then(parsers.re(r"the provider state callback will NOT receive a (?P<action>setup|teardown) "
                 r"call"))
def _(world: World, action: str) -> None:
    assert not _calls(world, action), world.state_callback.calls


@then(parsers.parse('a warning will be displayed that there was no provider state callback '
                    'configured for provider state "{state}"'))
def _(world: World, state: str) -> None:
    notes = [n for r in world.result.results for n in r.notes]
    assert any(state in n for n in notes) or state in world.output, (notes, world.output)


# ------------------------------------------------------------------ requests and output


@then(parsers.parse('the request to the provider will contain the header "{header}"'))
def _(world: World, header: str) -> None:
    name, _, value = header.partition(":")
    requests = world.provider.requests
    assert requests
    for request in requests:
        got = {k.lower(): v for k, v in request["headers"].items()}
        assert got.get(name.strip().lower()) == value.strip(), request["headers"]


@then(parsers.parse('the comment "{comment}" will have been printed to the console'))
def _(world: World, comment: str) -> None:
    assert comment in world.output, world.output


@then(parsers.parse('the "{name}" will displayed as the original test name'))
def _(world: World, name: str) -> None:
    assert name in world.output, world.output


# ------------------------------------------------------------------ the broker


def _published(world: World, number: int) -> tuple[Pact, dict[str, Any] | None]:
    description = world.interactions[number].description
    pact = next(p for p in world.extra["published"] if p.interactions[0].description
                == description)
    return pact, broker(world).latest_verification(pact.consumer, pact.provider)


@then("a verification result will NOT be published back")
def _(world: World) -> None:
    for pact in world.extra["published"]:
        assert broker(world).latest_verification(pact.consumer, pact.provider) is None


@then(parsers.re(r"a (?P<outcome>successful|failed) verification result will be published back "
                 r"for (the )?interaction \{(?P<number>\d+)\}"))
def _(world: World, outcome: str, number: str) -> None:
    pact, result = _published(world, int(number))
    assert result is not None, f"no verification result for {pact.consumer}"
    success = outcome == "successful"
    assert result["success"] is success, result
    tests = result.get("testResults") or []
    description = pact.interactions[0].description
    assert any(t.get("success") is success and t.get("interactionDescription") == description
               for t in tests), result
