"""accord: Pact contract testing in pure Python.

Consumer side::

    from accord import Pact, match

    pact = Pact("web", "users-api")
    (pact.upon_receiving("a request for user 123")
         .given("user 123 exists", id=123)
         .with_request("GET", "/users/123")
         .will_respond_with(200)
         .with_body({"id": match.integer(123), "name": match.string("Alice")}))
    with pact.serve() as server:
        ...  # exercise the client against server.url

Provider side::

    from accord import Verifier

    Verifier("users-api").add_source("pacts/").add_transport(app=app).verify()

Names are imported lazily so that ``import accord`` stays cheap (the pytest plugin
loads it in every test run).
"""

from __future__ import annotations

from importlib import import_module

# not typing's: ``import accord`` (every pytest run, through the plugin) need not load typing
TYPE_CHECKING = False

__version__ = "0.1.0"

__all__ = ["Pact", "Verifier", "__version__", "error", "errors", "generate", "match", "types",
           "xml"]

_LAZY = {
    "Pact": ("accord.consumer", "Pact"),
    "Verifier": ("accord.verifier", "Verifier"),
    "match": ("accord.match", None),
    "generate": ("accord.generate", None),
    "errors": ("accord.errors", None),
    "error": ("accord.error", None),  # pact-python's name for its error module
    "types": ("accord.types", None),
    "xml": ("accord.xml", None),
}

if TYPE_CHECKING:
    from accord import error, errors, generate, match, types
    from accord.consumer import Pact, xml
    from accord.verifier import Verifier


def __getattr__(name: str) -> object:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'accord' has no attribute {name!r}") from None
    module = import_module(module_name)
    value = getattr(module, attr) if attr else module
    globals()[name] = value
    return value
