"""The Pact model: pacts, interactions, bodies, matching rules, generators and DocPaths.

Pure data (frozen dataclasses) with no I/O. ``load_pact``/``dump_pact`` read and write pact
JSON of any specification version::

    pact = load_pact(json.loads(text), file="web-users.json")
    data = dump_pact(pact, "3.0.0")
"""

from __future__ import annotations

from accord.model.body import (
    Body,
    BodyState,
    base_content_type,
    detect_content_type,
    is_json_type,
    is_xml_type,
)
from accord.model.docpath import STAR, DocPath, Location
from accord.model.generators import Generator, Generators
from accord.model.interactions import (
    AsynchronousMessage,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    ProviderState,
    SynchronousHttp,
    SynchronousMessages,
    UnreadableInteraction,
    find_header,
    is_content_type_key,
    message_content_type,
)
from accord.model.pact import Pact, SpecVersion
from accord.model.rules import MatchingRules, Rule, RuleList
from accord.model.spec import (
    MAX_NESTING,
    dump_interaction,
    dump_pact,
    load_interaction,
    load_message_contents,
    load_pact,
    load_request,
    load_response,
    parse_query_string,
)
from accord.model.target import query_string, request_target

__all__ = [
    "MAX_NESTING",
    "STAR",
    "AsynchronousMessage",
    "Body",
    "BodyState",
    "DocPath",
    "Generator",
    "Generators",
    "HttpRequest",
    "HttpResponse",
    "Interaction",
    "Location",
    "MatchingRules",
    "MessageContents",
    "Pact",
    "ProviderState",
    "Rule",
    "RuleList",
    "SpecVersion",
    "SynchronousHttp",
    "SynchronousMessages",
    "UnreadableInteraction",
    "base_content_type",
    "detect_content_type",
    "dump_interaction",
    "dump_pact",
    "find_header",
    "is_content_type_key",
    "is_json_type",
    "is_xml_type",
    "load_interaction",
    "load_message_contents",
    "load_pact",
    "load_request",
    "load_response",
    "message_content_type",
    "parse_query_string",
    "query_string",
    "request_target",
]
