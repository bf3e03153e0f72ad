"""Bi-directional contract testing in the broker: provider contracts compared with pacts.

A provider publishes its OpenAPI document with the result of its own tests against it
(PactFlow's ``publish-provider-contract``). Each consumer pact is compared with it
(``accord.openapi``) when either side is published, and the result is cached by pact content
and contract content. The matrix counts a compatible comparison with a successful
self-verification as a verification of that consumer version x provider version, labelled as
such; an incompatible comparison or a failed self-verification as a failure. A real
verification always wins, and a contract without a self-verification result proves nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeGuard

from sqlalchemy import Connection, Row

from accord.broker.services.matrix_selectors import Selector
from accord.broker.storage import contracts_repo, pacts_repo, repo
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.valueclass import dataclass

if TYPE_CHECKING:  # matrix imports this module
    from accord.broker.services.matrix import Row as MatrixRow

__all__ = [
    "BY_CONTRACT_LABEL",
    "ContractPublication",
    "ContractVerification",
    "add_contract_rows",
    "compare_contract_with_pacts",
    "compare_pact_with_contracts",
    "comparison_for",
    "contract_notices",
    "contract_sha",
    "decode_publication",
    "document_problem",
    "is_contract_verification",
    "run_comparison",
]

BY_CONTRACT_LABEL = "compatible by contract comparison (bi-directional), not verified"
#: the contents compared at publication; others are compared when the matrix asks for them
PACTS_COMPARED_AT_PUBLICATION = 50
CONTRACTS_COMPARED_AT_PUBLICATION = 10
SPECIFICATIONS = ("oas",)
MAX_CONTRACT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ContractPublication:
    """A decoded ``publish-provider-contract`` request body."""

    content: str
    content_type: str
    specification: str
    self_verification_success: bool | None
    self_verification_content: str | None = None
    self_verification_content_type: str | None = None
    self_verification_format: str | None = None
    verifier: str | None = None
    verifier_version: str | None = None

    def columns(self) -> dict[str, object]:
        return {
            "specification": self.specification,
            "content_type": self.content_type,
            "content": self.content,
            "sha": contract_sha(self.content),
            "self_verification_success": self.self_verification_success,
            "self_verification_content": self.self_verification_content,
            "self_verification_content_type": self.self_verification_content_type,
            "self_verification_format": self.self_verification_format,
            "verifier": self.verifier,
            "verifier_version": self.verifier_version,
        }


def contract_sha(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def _text(value: Any, key: str, errors: dict[str, list[str]], *, required: bool = False
          ) -> str | None:
    if value is None or value == "":
        if required:
            errors.setdefault(key, []).append("is required")
        return None
    if not isinstance(value, str):
        errors.setdefault(key, []).append(f"must be a string, got {type(value).__name__}")
        return None
    return value


def _base64(value: str | None, key: str, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        errors.setdefault(key, []).append("is not valid Base64")
        return None
    if len(raw) > MAX_CONTRACT_BYTES:
        errors.setdefault(key, []).append(f"is larger than {MAX_CONTRACT_BYTES} bytes")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.setdefault(key, []).append(f"is not UTF-8 text (byte {exc.start})")
        return None


def decode_publication(
    contract: JsonValue, results: JsonValue, prefix: str
) -> tuple[ContractPublication | None, dict[str, list[str]]]:
    """Read the contract object of a publication (``prefix`` names it in error messages):
    ``content`` (Base64), ``contentType``, ``specification`` (or ``contractType``) and the
    self-verification results (``success``, ``content`` (Base64), ``contentType``, ``format``,
    ``verifier``, ``verifierVersion``)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(contract, dict):
        return None, {prefix or "body": ["must be a JSON object"]}
    at = f"{prefix}." if prefix else ""
    content = _base64(_text(contract.get("content"), at + "content", errors, required=True),
                      at + "content", errors)
    content_type = _text(contract.get("contentType"), at + "contentType", errors, required=True)
    specification = _text(
        contract.get("specification", contract.get("contractType")) or "oas",
        at + "specification", errors)
    if specification is not None and specification.lower() not in SPECIFICATIONS:
        errors.setdefault(at + "specification", []).append(
            f"{specification!r} is not supported: accord's broker compares OpenAPI documents "
            "(specification 'oas') only")
    results = results if results is not None else {}
    if not isinstance(results, dict):
        errors.setdefault(at + "selfVerificationResults", []).append("must be a JSON object")
        results = {}
    success = results.get("success")
    if success is not None and not isinstance(success, bool):
        errors.setdefault(at + "selfVerificationResults.success", []).append(
            "must be true or false")
    rkey = at + "selfVerificationResults."
    result_content = _base64(_text(results.get("content"), rkey + "content", errors),
                             rkey + "content", errors)
    extra = {
        name: _text(results.get(key), rkey + key, errors)
        for name, key in (
            ("self_verification_content_type", "contentType"),
            ("self_verification_format", "format"),
            ("verifier", "verifier"),
            ("verifier_version", "verifierVersion"),
        )
    }
    if errors or content is None or content_type is None or specification is None:
        return None, errors
    return ContractPublication(
        content=content,
        content_type=content_type,
        specification=specification.lower(),
        self_verification_success=success if isinstance(success, bool) else None,
        self_verification_content=result_content,
        **extra,
    ), {}


# -- the comparison ----------------------------------------------------------------------------


def _failed_report(code: str, message: str) -> dict[str, Any]:
    return {
        "ok": False,
        "summary": {"interactions": 0, "compatible": 0, "incompatible": 0, "errors": 0,
                    "unchecked": 1, "warnings": 0},
        "error": {"code": code, "message": message},
        "pacts": [],
    }


class _Documents:
    """Parsed contract documents by SHA, so that one publication parses each once."""

    def __init__(self) -> None:
        self._found: dict[str, Any] = {}

    def get(self, contract: Any) -> Any:
        from accord.openapi import OpenApiError, parse_document

        if contract.sha not in self._found:
            try:
                self._found[contract.sha] = parse_document(contract.content)
            except OpenApiError as exc:
                self._found[contract.sha] = exc
        return self._found[contract.sha]


def document_problem(contract: Row) -> str | None:
    """Why the contract's document cannot be compared with anything, or None."""
    found = _Documents().get(contract)
    return str(found) if isinstance(found, Exception) else None


def run_comparison(contract: Row, pact_content: str, documents: _Documents | None = None
                   ) -> JsonObject:
    """The report (``CheckReport.to_json()`` shape) of one pact content against one contract;
    anything that stops the comparison is a failed report saying why, never an exception."""
    try:
        from accord.openapi import check_pacts
    except ImportError:  # pragma: no cover - the broker extra brings it
        return _failed_report("openapi-missing",
                              "comparing with OpenAPI needs the openapi extra: "
                              "pip install 'accord[openapi]'")
    from accord.errors import AccordError
    from accord.model import load_pact

    document = (documents or _Documents()).get(contract)
    if isinstance(document, Exception):
        return _failed_report("invalid-document", f"the provider contract cannot be read: "
                                                  f"{document}")
    try:
        pact = load_pact(json.loads(pact_content))
    except (AccordError, ValueError) as exc:
        return _failed_report("invalid-pact", f"the pact cannot be read: {exc}")
    report = check_pacts([(pact, None)], document)
    return report.to_json()


def comparison_for(conn: Connection, contract: Row, pact_version_id: int,
                   documents: _Documents | None = None, *, store: bool = False,
                   content: str | None = None) -> JsonObject:
    """The cached comparison, else computed now (and stored when ``store``)."""
    found = contracts_repo.find_comparison(conn, contract.id, contract.sha, pact_version_id)
    if found is not None:
        report: dict[str, Any] = json.loads(found.report)
        return report
    if content is None:
        content = pacts_repo.pact_contents(conn, [pact_version_id])[pact_version_id]
    report = run_comparison(contract, content, documents)
    if store:
        contracts_repo.save_comparison(conn, contract.id, contract.sha, pact_version_id,
                                       bool(report["ok"]), json.dumps(report))
    return report


def compare_contract_with_pacts(conn: Connection, contract: Row) -> list[JsonObject]:
    """At a contract's publication: compare it with the provider's recent pact contents."""
    contracts_repo.forget_comparisons(conn, contract.id, contract.sha)
    documents = _Documents()
    out = []
    for pact_version in contracts_repo.recent_pact_versions_for_provider(
        conn, contract.provider_id, PACTS_COMPARED_AT_PUBLICATION
    ):
        out.append(comparison_for(conn, contract, pact_version.id, documents, store=True,
                                  content=pact_version.content))
    return out


def compare_pact_with_contracts(conn: Connection, provider_id: int, pact_version: Row) -> None:
    """At a pact's publication: compare it with the provider's recent contracts."""
    contracts = contracts_repo.latest_contracts(conn, provider_id,
                                                CONTRACTS_COMPARED_AT_PUBLICATION)
    documents = _Documents()
    for contract in contracts:
        comparison_for(conn, contract, pact_version.id, documents, store=True,
                       content=pact_version.content)


# -- the matrix ----------------------------------------------------------------------------------


@dataclass
class ContractVerification:
    """Stands in for a verification row in the matrix: a comparison with a provider contract
    plus the provider's self-verification. ``id`` is negative so that it never names a real
    verification."""

    id: int
    success: bool
    execution_date: datetime
    contract: Any
    comparison_ok: bool
    self_verified: bool
    findings: list[str] = field(default_factory=list)
    by_contract: bool = True

    @property
    def reason(self) -> str:
        if not self.comparison_ok:
            first = f": {self.findings[0]}" if self.findings else ""
            return f"the pact is not compatible with the provider contract{first}"
        if not self.self_verified:
            return "the provider contract's self-verification failed"
        return BY_CONTRACT_LABEL


def is_contract_verification(verification: object) -> TypeGuard[ContractVerification]:
    return bool(getattr(verification, "by_contract", False))


def _first_findings(report: dict[str, Any]) -> list[str]:
    if report.get("error"):
        return [report["error"]["message"]]
    out = []
    for pact in report.get("pacts", []):
        for interaction in pact.get("interactions", []):
            for finding in interaction.get("findings", []):
                if finding["severity"] != "warning":
                    out.append(f"{interaction['description']!r}: {finding['pactLocation']}: "
                               f"{finding['message']}")
    return out[:3]


class _MatrixContracts:
    """What the matrix needs of the contracts, read in bulk: their summaries, the stored
    comparisons, and (only for a comparison not stored yet) the documents and pacts."""

    def __init__(self, conn: Connection, provider_ids: list[int]) -> None:
        self.conn = conn
        self.by_provider: dict[int, list[Any]] = {}
        for contract in contracts_repo.contract_summaries(conn, provider_ids):
            self.by_provider.setdefault(contract.provider_id, []).append(contract)
        self.stored: dict[tuple[int, int, str], Any] = {}
        self.documents = _Documents()
        self.versions: dict[int, Any] = {}

    def load_comparisons(self, pact_version_ids: list[int]) -> None:
        contract_ids = [c.id for cs in self.by_provider.values() for c in cs]
        if contract_ids and pact_version_ids:
            self.stored = contracts_repo.comparisons_between(self.conn, contract_ids,
                                                             pact_version_ids)

    def report(self, summary: Any, pact_version_id: int) -> dict[str, Any]:
        found = self.stored.get((summary.id, pact_version_id, summary.sha))
        if found is not None:
            report: dict[str, Any] = json.loads(found.report)
            return report
        contract = contracts_repo.contract_by_id(self.conn, summary.id)
        assert contract is not None  # the summary was read from the same table
        return comparison_for(self.conn, contract, pact_version_id, self.documents)

    def version(self, version_id: int) -> Any:
        if version_id not in self.versions:
            self.versions[version_id] = repo.version_by_id(self.conn, version_id)
        return self.versions[version_id]

    def verification(self, contract: Any, pact_version_id: int) -> ContractVerification | None:
        """The stand-in verification, or None when the contract proves nothing either way
        (it is compatible but has no self-verification result)."""
        report = self.report(contract, pact_version_id)
        ok = bool(report.get("ok"))
        self_verified = contract.self_verification_success
        if ok and self_verified is None:
            return None
        return ContractVerification(
            id=-contract.id,
            success=ok and self_verified is True,
            execution_date=contract.updated_at,
            contract=contract,
            comparison_ok=ok,
            self_verified=self_verified is True,
            findings=_first_findings(report),
        )


def add_contract_rows(conn: Connection, pairs: Iterable[tuple[Selector, Selector]],
                      by_pair: dict[tuple[int, int], list[MatrixRow]]
                      ) -> dict[tuple[int, int], list[MatrixRow]]:
    """Add a row per (pact, provider version with a contract) that has no real verification
    for the pairs of (consumer selector, provider selector); a pact's unverified row goes
    when a contract row replaces it. Rows are matrix rows (dataclasses) copied from the
    pact's row with the provider version and the stand-in verification. Without contracts
    this costs one statement."""
    wanted = [(c, p) for c, p in pairs if by_pair.get((c.pacticipant.id, p.pacticipant.id))]
    if not wanted:
        return by_pair
    contracts = _MatrixContracts(conn, [p.pacticipant.id for _, p in wanted])
    if not contracts.by_provider:
        return by_pair
    contracts.load_comparisons([
        r.pact.pact_version_id for c, p in wanted
        if p.pacticipant.id in contracts.by_provider
        for r in by_pair[(c.pacticipant.id, p.pacticipant.id)]
    ])
    for consumer_sel, provider_sel in wanted:
        key = (consumer_sel.pacticipant.id, provider_sel.pacticipant.id)
        allowed = None if provider_sel.version_ids is None else set(provider_sel.version_ids)
        candidates = [
            c for c in contracts.by_provider.get(provider_sel.pacticipant.id, [])
            if allowed is None or c.provider_version_id in allowed
        ]
        if not candidates:
            continue
        by_pub: dict[int, list[Any]] = {}
        for row in by_pair[key]:
            by_pub.setdefault(row.pact.id, []).append(row)
        out: list[Any] = []
        for pub_rows in by_pub.values():
            verified = {r.provider_version.id for r in pub_rows if r.provider_version is not None}
            added = []
            for contract in candidates:
                if contract.provider_version_id in verified:
                    continue  # a real verification always wins
                stand_in = contracts.verification(contract, pub_rows[0].pact.pact_version_id)
                if stand_in is not None:
                    added.append(replace(
                        pub_rows[0], provider_version=contracts.version(
                            contract.provider_version_id), verification=stand_in))
            if added:
                pub_rows = [r for r in pub_rows if r.provider_version is not None]
            out += pub_rows + added
        by_pair[key] = out
    return by_pair


def contract_notices(rows: Iterable[MatrixRow], describe: Callable[[Row, Row | None], str]
                     ) -> tuple[list[str], list[str]]:
    """Reasons for the rows counted by contract comparison: (failures, successes)."""
    failures, successes = [], []
    for r in rows:
        v = r.verification
        if not is_contract_verification(v):
            continue
        pair = (f"the pact between {describe(r.consumer, r.consumer_version)} and "
                f"{describe(r.provider, r.provider_version)}")
        if v.success:
            successes.append(f"{pair[0].upper()}{pair[1:]} is {BY_CONTRACT_LABEL}: it was "
                             "compared with the provider's OpenAPI document, whose own tests "
                             "passed")
        else:
            failures.append(f"The contract comparison for {pair} failed: {v.reason}")
    return list(dict.fromkeys(failures)), list(dict.fromkeys(successes))
