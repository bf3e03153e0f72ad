"""Compare each HTTP interaction of a pact with the operation an OpenAPI document describes.

For every interaction: the path and method must name an operation; path, query and header
parameters must be valid; the security the operation requires must be present; the request
body must fit the operation's content type and schema; the response status must be
documented (exactly, as a ``2XX`` range or as ``default``), the response headers the pact
expects must be documented, and the pact's response body must be within the documented
schema (see ``accord.openapi.schema``). Anything that cannot be compared is reported as
``unchecked``, never passed over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from accord.matching.rules import RuleIndex, rule_index
from accord.model import (
    AsynchronousMessage,
    Body,
    HttpRequest,
    HttpResponse,
    Interaction,
    Pact,
    SynchronousHttp,
    SynchronousMessages,
    base_content_type,
    find_header,
    is_json_type,
)
from accord.openapi.document import OpenApiDocument, OpenApiError, Operation, escape_pointer
from accord.openapi.findings import (
    CheckReport,
    Finding,
    InteractionResult,
    PactResult,
    Severity,
    dedupe,
)
from accord.openapi.schema import Mode, SchemaCheck

__all__ = ["check_interaction", "check_pact", "check_pacts"]

# Headers OpenAPI describes elsewhere (content negotiation, security), not as parameters.
_NOT_PARAMETERS = frozenset({"accept", "content-type", "authorization"})


def check_pacts(pacts: Iterable[tuple[Pact, str | None]], document: OpenApiDocument, *,
                allow_undocumented_fields: bool = False) -> CheckReport:
    """Compare every pact (with the file it came from, if any) with ``document``."""
    results = tuple(
        check_pact(pact, document, source=source,
                   allow_undocumented_fields=allow_undocumented_fields)
        for pact, source in pacts
    )
    return CheckReport(document=document.source, document_version=document.version,
                       pacts=results)


def check_pact(pact: Pact, document: OpenApiDocument, *, source: str | None = None,
               allow_undocumented_fields: bool = False) -> PactResult:
    """Compare each interaction of ``pact`` with ``document``."""
    results = tuple(
        check_interaction(i, document, allow_undocumented_fields=allow_undocumented_fields)
        for i in pact.interactions
    ) + tuple(  # what could not be read was not compared: it must fail, not be skipped
        InteractionResult(i.description or "(unreadable interaction)", (), None, (Finding(
            "unchecked", "unreadable-interaction", i.pointer or "interaction",
            f"this interaction cannot be read, so it was not compared: {i.reason}"),))
        for i in pact.unreadable
    )
    if not results:
        results = (InteractionResult(
            description="(no interactions)",
            findings=(Finding("unchecked", "no-interactions", "pact",
                              "the pact has no interactions: there is nothing to compare"),),
        ),)
    return PactResult(consumer=pact.consumer, provider=pact.provider, source=source,
                      interactions=results)


def check_interaction(interaction: Interaction, document: OpenApiDocument, *,
                      allow_undocumented_fields: bool = False) -> InteractionResult:
    """Compare one interaction with ``document``; never raises on what the pact holds."""
    states = tuple(s.name for s in interaction.provider_states)
    if not isinstance(interaction, SynchronousHttp):
        kind = {AsynchronousMessage: "an asynchronous message",
                SynchronousMessages: "a synchronous message"}.get(type(interaction),
                                                                 "not an HTTP interaction")
        return InteractionResult(interaction.description, states, None, (Finding(
            "unchecked", "not-http", "interaction",
            f"this is {kind} ({interaction.TYPE}): an OpenAPI document describes HTTP only, "
            "so it cannot be checked here"),))
    checker = _InteractionCheck(document, allow_undocumented_fields)
    try:
        operation = checker.run(interaction.request, interaction.response)
    except OpenApiError as exc:
        checker.add("unchecked", "unresolvable", "interaction", str(exc))
        operation = None
    except Exception as exc:  # a bug here must not pass the interaction silently
        checker.add("unchecked", "internal-error", "interaction",
                    f"the comparison failed unexpectedly ({type(exc).__name__}: {exc}); "
                    "please report this")
        operation = None
    return InteractionResult(interaction.description, states, operation,
                             dedupe(checker.findings))


class _InteractionCheck:
    def __init__(self, doc: OpenApiDocument, allow_undocumented: bool):
        self.doc = doc
        self.allow_undocumented = allow_undocumented
        self.findings: list[Finding] = []

    def add(self, severity: Severity, code: str, where: str, message: str,
            pointer: str | None = None) -> None:
        self.findings.append(Finding(severity, code, where, message, pointer))

    def run(self, request: HttpRequest, response: HttpResponse) -> str | None:
        operation = self._operation(request)
        if operation is None:
            return None
        op, params = operation
        self._path_parameters(op, params)
        self._query(op, request)
        self._headers(op, request)
        self._security(op, request)
        self._request_body(op, request)
        if response.status is not None and 400 <= response.status <= 499:
            self._deliberate(response.status)
        self._response(op, request, response)
        return op.label

    def _deliberate(self, status: int) -> None:
        """A request the pact expects to be refused (4xx) may be invalid on purpose: what is
        wrong with it is a warning, not an incompatibility."""
        self.findings = [
            Finding("warning", f.code, f.pact_location,
                    f"{f.message} (the pact expects status {status}, so this may be deliberate)",
                    f.document_pointer)
            if f.severity == "error" and f.pact_location.startswith("request.") else f
            for f in self.findings
        ]

    # -- finding the operation --------------------------------------------------------------

    def _operation(self, request: HttpRequest) -> tuple[Operation, dict[str, str]] | None:
        path = request.path.split("?", 1)[0] or "/"
        method = request.method.lower()
        matches = self.doc.find(path)
        if not matches:
            self.add("error", "path-not-found", "request.path",
                     f"no path of the document matches {path!r}"
                     + _near(path, [t.template for t in self.doc.templates]), "/paths")
            return None
        for template, values, _base in matches:
            op = template.operations.get(method)
            if op is not None:
                from_state = request.generators.category("path")  # an id the state supplies
                if request.matching_rules.category("path") and not from_state:
                    self.add("warning", "path-rule", "request.path",
                             "the pact matches the path with a rule; only its example "
                             f"{path!r} was compared")
                return op, values
        template = matches[0][0]
        documented = ", ".join(m.upper() for m in template.operations) or "no methods"
        self.add("error", "method-not-documented", "request.method",
                 f"{request.method.upper()} is not documented for {template.template} "
                 f"(the document has {documented})",
                 "/paths/" + escape_pointer(template.template))
        return None

    # -- parameters -------------------------------------------------------------------------

    def _parameters(self, op: Operation, where: str) -> list[tuple[Mapping[str, Any], str]]:
        return [(p, ptr) for p, ptr in op.parameters if p.get("in") == where]

    def _path_parameters(self, op: Operation, values: dict[str, str]) -> None:
        documented = {str(p.get("name")): (p, ptr) for p, ptr in self._parameters(op, "path")}
        for name, raw in values.items():
            if name not in documented:
                self.add("unchecked", "path-parameter-undocumented", f"request.path.{name}",
                         f"the template has {{{name}}} but the operation does not describe "
                         "it", op.pointer + "/parameters")
                continue
            parameter, ptr = documented[name]
            self._parameter_value(parameter, ptr, raw, f"request.path.{name}")

    def _query(self, op: Operation, request: HttpRequest) -> None:
        query = request.query or {}
        documented = self._parameters(op, "query")
        names = set()
        for parameter, ptr in documented:
            name = str(parameter.get("name"))
            names.add(name)
            values = query.get(name)
            if values is None:
                if parameter.get("required") is True:
                    self.add("error", "query-missing", f"request.query.{name}",
                             f"the pact's request lacks the required query parameter {name!r}",
                             ptr)
                continue
            schema = self._parameter_schema(parameter)
            present = [v for v in values if v is not None]
            if _is_array(self.doc, schema):
                if parameter.get("explode") is False or self.doc.version == "2.0":
                    present = [p for v in present for p in v.split(",")]
                self._parameter_value(parameter, ptr, present, f"request.query.{name}")
            else:
                if len(present) > 1:
                    self.add("error", "query-repeated", f"request.query.{name}",
                             f"the pact repeats {name!r} {len(present)} times; the document "
                             "describes a single value", ptr)
                for value in present[:1]:
                    self._parameter_value(parameter, ptr, value, f"request.query.{name}")
        names |= self._credential_names("query")
        for name in query:
            if name not in names:
                self.add("warning", "query-undocumented", f"request.query.{name}",
                         f"the document does not describe the query parameter {name!r}",
                         op.pointer + "/parameters")

    def _credential_names(self, where: str) -> set[str]:
        """Names of API keys the document's security schemes put ``where`` (query, header)."""
        schemes = (self.doc.data.get("components") or {}).get("securitySchemes") or {}
        return {str(s.get("name")) for s in schemes.values()
                if isinstance(s, Mapping) and s.get("type") == "apiKey" and s.get("in") == where}

    def _headers(self, op: Operation, request: HttpRequest) -> None:
        for parameter, ptr in self._parameters(op, "header"):
            name = str(parameter.get("name"))
            if name.lower() in _NOT_PARAMETERS:
                continue
            values = find_header(request.headers, name)
            if values is None:
                if parameter.get("required") is True:
                    self.add("error", "header-missing", f"request.header.{name}",
                             f"the pact's request lacks the required header {name!r}", ptr)
                continue
            self._parameter_value(parameter, ptr, ", ".join(values), f"request.header.{name}")

    def _parameter_schema(self, parameter: Mapping[str, Any]) -> Any:
        if "schema" in parameter:
            return parameter["schema"]
        content = parameter.get("content")
        if isinstance(content, Mapping) and content:
            media = next(iter(content.values()))
            return media.get("schema", {}) if isinstance(media, Mapping) else {}
        return {}

    def _parameter_value(self, parameter: Mapping[str, Any], ptr: str, raw: Any,
                         where: str) -> None:
        schema = self._parameter_schema(parameter)
        schema_ptr = ptr + ("/schema" if "schema" in parameter else "")
        value = _coerce(self.doc, schema, raw)
        check = SchemaCheck(self.doc, "request", where)
        self.findings.extend(check.run(value, schema, schema_ptr))

    def _security(self, op: Operation, request: HttpRequest) -> None:
        if not op.security:
            return
        schemes = (self.doc.data.get("components") or {}).get("securitySchemes") or {}
        missing: list[str] = []
        for requirement in op.security:
            lacking = [name for name in requirement
                       if not self._has_credentials(schemes.get(name), request)]
            if not lacking:
                return  # one requirement is met (an empty one means "optional")
            missing.extend(lacking)
        self.add("error", "security-missing", "request.header",
                 "the operation requires credentials the pact's request does not carry "
                 f"(security schemes: {', '.join(sorted(set(missing)))})",
                 op.pointer + ("/security" if "security" in op.spec else ""))

    def _has_credentials(self, scheme: Any, request: HttpRequest) -> bool:
        try:
            scheme, _ = self.doc.resolve(scheme, "/components/securitySchemes")
        except OpenApiError:
            return False
        if not isinstance(scheme, Mapping):
            return False
        kind = scheme.get("type")
        if kind == "apiKey":
            name = str(scheme.get("name", ""))
            where = scheme.get("in")
            if where == "header":
                return find_header(request.headers, name) is not None
            if where == "query":
                return name in (request.query or {})
            if where == "cookie":
                cookies = find_header(request.headers, "Cookie") or ()
                return any(f"{name}=" in c for c in cookies)
            return False
        if kind == "mutualTLS":
            return True  # not visible in a request: cannot be missing from a pact
        return find_header(request.headers, "Authorization") is not None

    # -- bodies -----------------------------------------------------------------------------

    def _request_body(self, op: Operation, request: HttpRequest) -> None:
        body = request.body
        if op.request_body is None:
            if body.is_present:
                self.add("warning", "request-body-undocumented", "request.body",
                         "the pact's request has a body; the operation documents none",
                         op.pointer)
            return
        spec, ptr = op.request_body
        if not body.is_present:
            if spec.get("required") is True:
                self.add("error", "request-body-missing", "request.body",
                         "the operation requires a request body; the pact's request has none",
                         ptr + "/required")
            return
        content = spec.get("content")
        if not isinstance(content, Mapping) or not content:
            return
        media = _media_type(request.content_type, content)
        if media is None:
            self.add("error", "request-content-type", "request.header.Content-Type",
                     f"the operation does not accept {request.content_type or 'a body without a content type'!r} "  # noqa: E501
                     f"(it accepts {', '.join(content)})", ptr + "/content")
            return
        key, media_spec = media
        self._body(body, media_spec, f"{ptr}/content/{escape_pointer(key)}", "request",
                   "request.body", None)

    def _body(self, body: Body, media_spec: Any, ptr: str, mode: Mode, where: str,
              rules: RuleIndex | None) -> None:
        if not isinstance(media_spec, Mapping) or "schema" not in media_spec:
            return  # any content: nothing to compare
        if base_content_type(body.content_type) == "application/x-www-form-urlencoded":
            value: Any = _form(self.doc, media_spec["schema"], body.text)
        elif not is_json_type(body.content_type or "application/json"):
            self.add("warning", "body-not-compared", where,
                     "only JSON and form bodies are compared with schemas; this one is "
                     f"{body.content_type!r}", ptr)
            return
        else:
            try:
                value = body.json
            except ValueError:
                self.add("unchecked", "body-not-json", where,
                         "the body is declared JSON but does not parse as JSON", ptr)
                return
        check = SchemaCheck(self.doc, mode, where, rules=rules,
                            allow_undocumented=self.allow_undocumented)
        self.findings.extend(check.run(value, media_spec["schema"], ptr + "/schema"))

    # -- the response -----------------------------------------------------------------------

    def _response(self, op: Operation, request: HttpRequest, response: HttpResponse) -> None:
        responses = op.spec.get("responses")
        ptr = op.pointer + "/responses"
        if response.status is None:
            self.add("unchecked", "status-unspecified", "response.status",
                     "the pact does not fix the response status, so no documented response "
                     "can be chosen", ptr)
            return
        if not isinstance(responses, Mapping):
            self.add("unchecked", "no-responses", "response.status",
                     "the operation documents no responses", op.pointer)
            return
        status = str(response.status)
        key = next((k for k in (status, status[0] + "XX", status[0] + "xx", "default")
                    if k in responses), None)
        if key is None:
            self.add("error", "status-undocumented", "response.status",
                     f"status {status} is not documented for {op.label} (documented: "
                     f"{', '.join(str(k) for k in responses)})", ptr)
            return
        spec, at = self.doc.resolve(responses[key], f"{ptr}/{escape_pointer(key)}")
        if not isinstance(spec, Mapping):
            return
        self._response_headers(spec, at, response)
        self._response_body(spec, at, request, response)

    def _response_headers(self, spec: Mapping[str, Any], ptr: str,
                          response: HttpResponse) -> None:
        raw = spec.get("headers")
        documented: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        by_name = {str(k).lower(): k for k in documented}
        for name, values in response.headers.items():
            if name.lower() == "content-type":
                continue
            key = by_name.get(name.lower())
            if key is None:
                self.add("error", "response-header-undocumented", f"response.header.{name}",
                         f"the pact expects the header {name!r}, which the document does not "
                         "describe for this response", ptr + "/headers")
                continue
            header, at = self.doc.resolve(documented[key], f"{ptr}/headers/{escape_pointer(key)}")
            if isinstance(header, Mapping):
                if response.matching_rules.category("header") and find_header(
                        response.matching_rules.category("header"), name) is not None:
                    continue  # a rule: the value is only an example
                self._parameter_value(header, at, ", ".join(values), f"response.header.{name}")

    def _response_body(self, spec: Mapping[str, Any], ptr: str, request: HttpRequest,
                       response: HttpResponse) -> None:
        content = spec.get("content")
        content = content if isinstance(content, Mapping) else {}
        accept = find_header(request.headers, "Accept")
        if accept and content:
            wanted = [base_content_type(a) for v in accept for a in v.split(",")]
            if not any(_media_type(w, content) for w in wanted):
                self.add("error", "not-acceptable", "request.header.Accept",
                         f"the pact accepts {', '.join(wanted)}; the response is documented "
                         f"as {', '.join(content)}", ptr + "/content")
        body = response.body
        if not body.is_present:
            return
        if not content:
            self.add("error", "response-body-undocumented", "response.body",
                     "the pact expects a response body; the document describes none for this "
                     "status", ptr)
            return
        media = _media_type(response.content_type or "application/json", content)
        if media is None:
            self.add("error", "response-content-type", "response.header.Content-Type",
                     f"the pact expects {response.content_type!r}; the response is documented "
                     f"as {', '.join(content)}", ptr + "/content")
            return
        key, media_spec = media
        rules = rule_index(response.matching_rules.category("body"))
        self._body(body, media_spec, f"{ptr}/content/{escape_pointer(key)}", "response",
                   "response.body", rules or None)


def _media_type(content_type: str | None, content: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The documented media type a content type falls under (exact, ``type/*``, ``*/*``)."""
    wanted = base_content_type(content_type) or "application/json"
    by_base = {base_content_type(k): k for k in content}
    if wanted in ("*/*", ""):
        key = next(iter(content))
        return key, content[key]
    if wanted.endswith("/*"):
        for base, key in by_base.items():
            if base.startswith(wanted[:-1]):
                return key, content[key]
    for candidate in (wanted, wanted.split("/")[0] + "/*", "*/*"):
        if candidate in by_base:
            key = by_base[candidate]
            return key, content[key]
    if is_json_type(wanted):  # application/problem+json under application/json and back
        for base, key in by_base.items():
            if is_json_type(base) and (base == "application/json" or wanted ==
                                       "application/json"):
                return key, content[key]
    return None


def _form(doc: OpenApiDocument, schema: Any, text: str) -> dict[str, Any]:
    """A form body as an object, each field read as the type its property says."""
    from urllib.parse import parse_qs

    try:
        target, _ = doc.resolve(schema, "")
    except OpenApiError:
        target = {}
    properties = target.get("properties") if isinstance(target, Mapping) else None
    properties = properties if isinstance(properties, Mapping) else {}
    out: dict[str, Any] = {}
    for name, values in parse_qs(text, keep_blank_values=True).items():
        field = properties.get(name, {})
        if _is_array(doc, field):
            out[name] = _coerce(doc, field, values)
        else:
            out[name] = _coerce(doc, field, values[0]) if len(values) == 1 else values
    return out


def _is_array(doc: OpenApiDocument, schema: Any) -> bool:
    try:
        target, _ = doc.resolve(schema, "")
    except OpenApiError:
        return False
    return isinstance(target, Mapping) and (
        target.get("type") == "array"
        or (isinstance(target.get("type"), list) and "array" in target["type"]))


def _coerce(doc: OpenApiDocument, schema: Any, raw: Any) -> Any:
    """A parameter's text as the type its schema says (``"10"`` → 10 for an integer)."""
    try:
        target, _ = doc.resolve(schema, "")
    except OpenApiError:
        return raw
    if not isinstance(target, Mapping):
        return raw
    if isinstance(raw, list):
        return [_coerce(doc, target.get("items", {}), item) for item in raw]
    types = target.get("type")
    types = types if isinstance(types, list) else [types]
    text = str(raw)
    if "integer" in types:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in types or "integer" in types:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _near(path: str, templates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(path, templates, n=2, cutoff=0.6)
    return f" (closest: {', '.join(close)})" if close else ""
