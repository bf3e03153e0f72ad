"""The catalogue: what accord understands beyond the Pact basics, passed around explicitly.

``Catalogue`` (defined in ``accord.model.catalogue``) holds body matchers and generators by
content type, extra matching-rule kinds and content-type plugins. ``DEFAULT`` is the built-in
one; derive your own and pass it where bodies are compared or generated::

    from accord.catalogue import DEFAULT
    from accord.plugins.csv import CsvPlugin

    catalogue = DEFAULT.with_plugin(CsvPlugin)
    pact = Pact("web", "api", catalogue=catalogue)          # consumer tests, mock servers
    Verifier("api", catalogue=catalogue)                      # provider verification
    match_response(expected, actual, catalogue=catalogue)     # the matching engine

``process_default()`` is what the consumer DSL and the mock server use when given none.
"""

from __future__ import annotations

import sys

from accord.matching import DEFAULT_CATALOGUE as DEFAULT
from accord.model.catalogue import Catalogue, ContentPlugin

__all__ = ["DEFAULT", "Catalogue", "ContentPlugin", "process_default"]


def process_default() -> Catalogue:
    """``accord.plugins.default_catalogue()`` (the built-ins plus the plugins registered or
    discovered in this process) once ``accord.plugins`` is loaded, ``DEFAULT`` before: no
    plugin can be registered without it, so a test that uses none does not pay for loading it.
    """
    registry = sys.modules.get("accord.plugins.registry")
    if registry is None:
        return DEFAULT
    found: Catalogue = registry.default_catalogue()
    return found
