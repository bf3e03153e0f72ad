# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""Consumer version selectors: validation, and the texts verifiers print about each pact.

Pure logic. The resolution against the database lives in
``accord.broker.services.for_verification``.
"""

from __future__ import annotations

import functools
from dataclasses import field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "PendingKey",
    "Resolved",
    "VerifiablePact",
    "pending_key",
    "pending_notices",
    "short_description",
    "validate_request",
    "validate_selectors",
    "why_verified",
]

BRANCH_KEYS = {
    "latest",
    "tag",
    "fallbackTag",
    "branch",
    "fallbackBranch",
    "matchingBranch",
    "mainBranch",
}
ENV_KEYS = {"environment", "deployed", "released", "deployedOrReleased"}
REQUIRED_ONE_OF = {
    "mainBranch",
    "tag",
    "branch",
    "environment",
    "matchingBranch",
    "deployed",
    "released",
    "deployedOrReleased",
}
READ_MORE_PENDING = "Read more at https://docs.pact.io/go/pending"
READ_MORE_WIP = "Read more at https://docs.pact.io/go/wip"


class Resolved(NamedTuple):
    """One selector as it matched one consumer version (a named tuple: a request makes
    hundreds, and a frozen dataclass's ``__init__`` costs four times as much)."""

    kind: str  # latest | tag_latest | tag_all | main_branch | branch | deployed | released
    consumer_version_id: int
    consumer_version_number: str
    consumer: str | None = None
    tag: str | None = None
    fallback_tag: str | None = None
    branch: str | None = None
    environment: str | None = None
    fallback_branch: str | None = None
    in_environment: bool = False  # {"environment": …} without deployed/released
    production: bool = False  # the environment is a production one


@dataclass
class VerifiablePact:
    consumer_id: int
    consumer_name: str
    consumer_main_branch: str | None
    pact_version_id: int
    sha: str
    consumer_version_id: int
    consumer_version_number: str
    selectors: list[Resolved] = field(default_factory=list)
    pending: bool = False
    wip: bool = False
    pending_tags: list[str] = field(default_factory=list)
    non_pending_tags: list[str] = field(default_factory=list)


def _is_true(value: Any) -> bool:
    return value is True


def validate_selectors(selectors: JsonValue, provider_branch: str | None) -> list[str]:
    """Error messages for invalid consumer version selectors (empty when valid)."""
    if selectors is None:
        return []
    if not isinstance(selectors, list):
        return ["consumerVersionSelectors must be an array"]
    errors: list[str] = []
    for index, sel in enumerate(selectors):
        problems = _selector_problems(sel, provider_branch)
        errors.extend(f"{problem} (at index {index})" for problem in problems)
    return errors


def _selector_problems(sel: Any, provider_branch: str | None) -> list[str]:
    """What is wrong with one selector, in the official broker's words."""
    if not isinstance(sel, dict):
        return ["must be an object"]
    keys = {k for k, v in sel.items() if v is not None}
    if not keys & REQUIRED_ONE_OF and sel.get("latest") is not True:
        return [
            "must specify a value for environment or tag or branch, or specify mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true or deployedOrReleased=true"
        ]
    errors: list[str] = []
    if keys & BRANCH_KEYS and keys & ENV_KEYS:
        errors.append(
            f"cannot specify the {_fields(keys & BRANCH_KEYS)} with the {_fields(keys & ENV_KEYS)}"
        )
    for key in ("mainBranch", "matchingBranch", "deployed", "released", "deployedOrReleased"):
        if key in keys and sel[key] is not True:
            errors.append(f"{key} must be one of: true")
    for key in ("tag", "fallbackTag", "fallbackBranch", "environment", "consumer", "branch"):
        if key not in keys or (key == "branch" and sel[key] is True):
            continue
        if not isinstance(sel[key], str):
            errors.append(f"{key} must be a string")
        elif not sel[key].strip():
            errors.append(f"{key} must be filled" if not sel[key] else f"{key} cannot be blank")
    if "latest" in keys and not isinstance(sel["latest"], bool):
        errors.append("latest must be one of: true, false")
    if "mainBranch" in keys and (keys - {"mainBranch", "consumer", "latest"}):
        errors.append("cannot specify mainBranch=true with any other criteria apart from consumer")
    if "mainBranch" in keys and sel.get("latest") is False:
        errors.append("cannot specify mainBranch=true with latest=false")
    if "branch" in keys and sel.get("latest") is False:
        errors.append("cannot specify a branch with latest=false")
    if "branch" in keys and "tag" in keys:
        errors.append("cannot specify both a tag and a branch")
    if "matchingBranch" in keys:
        if keys - {"matchingBranch", "consumer"}:
            errors.append(
                "cannot specify matchingBranch=true with any other criteria apart from consumer"
            )
        if not provider_branch:
            errors.append(
                "the providerVersionBranch must be specified when the selector matchingBranch=true is used"
            )
    if "fallbackTag" in keys and sel.get("latest") is not True:
        errors.append("fallbackTag can only be set if latest is true")
    if "fallbackTag" in keys and "tag" not in keys:
        errors.append("a tag must be specified when a fallbackTag is specified")
    if "fallbackBranch" in keys and "branch" not in keys:
        errors.append("a branch must be specified when a fallbackBranch is specified")
    if "fallbackBranch" in keys and sel.get("latest") is False:
        errors.append("fallbackBranch can only be set if latest is true")
    for first, second in (
        ("deployed", "released"),
        ("deployed", "deployedOrReleased"),
        ("released", "deployedOrReleased"),
    ):
        if first in keys and second in keys:
            errors.append(f"cannot specify both {first}=true and {second}=true")
    return errors


def _fields(keys: set[str]) -> str:
    """``field a`` or ``fields a/b`` (sorted), as the official broker names selector keys."""
    return ("field " if len(keys) == 1 else "fields ") + "/".join(sorted(keys))


def validate_request(body: JsonMapping) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    pending = body.get("includePendingStatus")
    if pending is not None and not isinstance(pending, bool):
        errors["includePendingStatus"] = ["must be a boolean"]
    wip = body.get("includeWipPactsSince")
    if wip is not None and parse_date(wip) is None:
        errors["includeWipPactsSince"] = ["must be a date (eg. 2020-01-01)"]
    tags = body.get("providerVersionTags")
    if tags is not None and (
        not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)
    ):
        errors["providerVersionTags"] = ["must be an array of strings"]
    branch = body.get("providerVersionBranch")
    if branch is not None and not isinstance(branch, str):
        errors["providerVersionBranch"] = ["must be a string"]
    elif isinstance(branch, str) and not branch.strip() and not tags and (pending or wip):
        errors["providerVersionBranch"] = ["cannot be blank"]
    selector_errors = validate_selectors(body.get("consumerVersionSelectors"), branch)
    if selector_errors:
        errors["consumerVersionSelectors"] = selector_errors
    return errors


def parse_date(value: JsonValue) -> datetime | None:
    """An ISO date or time (UTC when it has no zone); ``None`` when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- texts ---------------------------------------------------------------------------------------


def _join(words: list[str], quote: bool = True) -> str:
    items = [f"'{w}'" for w in words] if quote else list(words)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-2]) + ", " + " and ".join(items[-2:])


def _short(sel: Resolved) -> str:
    """One selector in a few words (only the text of its own kind is built: this runs for
    every selector of every pact of a request)."""
    kind = sel.kind
    if kind == "latest":
        return "latest"
    if kind == "main_branch":
        return "latest from main branch"
    if kind == "branch":
        return f"latest from branch {sel.fallback_branch or sel.branch}"
    if kind == "tag_latest":
        return f"latest with tag {sel.fallback_tag or sel.tag}"
    if kind == "tag_all":
        return f"one of {sel.consumer} {sel.tag}" if sel.consumer else f"one of {sel.tag}"
    if kind == "deployed":
        return f"deployed to {sel.environment}"
    if kind == "released":
        return f"released in {sel.environment}"
    return kind


def short_description(pact: VerifiablePact) -> str:
    if pact.wip and not pact.selectors:
        return "WIP"
    return ", ".join(dict.fromkeys(_short(s) for s in pact.selectors))


def _long(sel: Resolved, provider: str, main_branch: str | None) -> str:
    label = f"version of {sel.consumer}" if sel.consumer else "version"
    if sel.in_environment:
        text = f"{sel.consumer or 'a consumer'} version in environment {sel.environment}"
    elif sel.kind == "latest":
        text = f"latest version of {sel.consumer or 'a consumer'} that has a pact with {provider}"
    elif sel.kind == "tag_latest":
        text = (
            f"latest {label} tagged '{sel.fallback_tag}' (fallback tag used as no pact was found with tag '{sel.tag}')"
            if sel.fallback_tag
            else f"latest {label} tagged '{sel.tag}'"
        )
    elif sel.kind == "main_branch":
        text = f"latest {label} from the main branch '{main_branch}'"
    elif sel.kind == "branch":
        text = (
            f"latest {label} from branch '{sel.fallback_branch}' (fallback branch used as no pact was found from branch '{sel.branch}')"
            if sel.fallback_branch
            else f"latest {label} from branch '{sel.branch}'"
        )
    elif sel.kind == "tag_all":
        text = (
            f"all {sel.consumer} versions tagged '{sel.tag}'"
            if sel.consumer
            else f"all consumer versions tagged '{sel.tag}'"
        )
    else:
        return _environment_line([sel])
    return f"{text} ({sel.consumer_version_number})"


def _environment_line(group: list[Resolved]) -> str:
    """Deployed (or released) versions of one consumer, all environments on one line."""
    first = group[0]
    who = f"version(s) of {first.consumer}" if first.consumer else "consumer version(s)"
    where = "currently deployed to" if first.kind == "deployed" else "released and supported in"
    places = [f"{s.environment} ({s.consumer_version_number})" for s in group]
    return f"{who} {where} {_join(places, quote=False)}"


def _type(sel: Resolved) -> str:
    """The official selector type, which groups the lines of the inclusion reason."""
    if sel.in_environment:
        return "in_environment"
    return sel.kind


def _cmp(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def _first(a: bool, b: bool) -> int:
    """-1 when only ``a`` has the property, 1 when only ``b`` has it, 0 when both or neither."""
    return 0 if a == b else (-1 if a else 1)


def _compare(a: Resolved, b: Resolved) -> int:
    """The official order of the selectors of one pact (``ResolvedSelector#<=>``)."""

    def by_consumer() -> int:
        if a.consumer and b.consumer:
            return _cmp(a.consumer, b.consumer)
        return -1 if a.consumer else 1

    def by_environment() -> int:
        if a.production != b.production:
            return 1 if a.production else -1
        return _cmp(a.environment or "", b.environment or "")

    deployed = [s.kind == "deployed" and not s.in_environment for s in (a, b)]
    released = [s.kind == "released" and not s.in_environment for s in (a, b)]
    if a.kind == "latest" or b.kind == "latest":
        result = _first(a.kind == "latest", b.kind == "latest")
    elif a.kind == "branch" or b.kind == "branch":
        both = a.kind == b.kind == "branch"
        result = (
            _cmp(a.branch, b.branch) if both else _first(a.kind == "branch", b.kind == "branch")
        )
    elif a.kind == "tag_latest" or b.kind == "tag_latest":
        both = a.kind == b.kind == "tag_latest"
        result = (
            _cmp(a.tag, b.tag) if both else _first(a.kind == "tag_latest", b.kind == "tag_latest")
        )
    elif a.tag or b.tag:
        if a.tag and b.tag:
            result = by_consumer() if a.tag == b.tag else _cmp(a.tag, b.tag)
        else:
            result = -1 if a.tag else 1
    elif any(deployed):
        result = by_environment() if all(deployed) else _first(*deployed)
    elif any(released):
        result = by_environment() if all(released) else _first(*released)
    elif a.consumer or b.consumer:
        result = by_consumer()
    else:
        result = 0
    return result or _cmp(a.consumer_version_id, b.consumer_version_id)


def _descriptions(sels: list[Resolved], provider: str, main_branch: str | None) -> list[str]:
    """One line per selector, sorted and grouped by type as the official broker does; the
    deployed (and the released) versions of a consumer share one line."""
    if len(sels) == 1:  # most pacts: nothing to sort or group (``_long`` words each kind)
        return [_long(sels[0], provider, main_branch)]
    groups: dict[str, list[Resolved]] = {}
    for sel in sorted(sels, key=functools.cmp_to_key(_compare)):
        groups.setdefault(_type(sel), []).append(sel)
    lines: list[str] = []
    for kind, group in groups.items():
        if kind in ("deployed", "released"):
            by_consumer: dict[str | None, list[Resolved]] = {}
            for sel in group:
                by_consumer.setdefault(sel.consumer, []).append(sel)
            lines += [_environment_line(g) for g in by_consumer.values()]
        else:
            lines += [_long(sel, provider, main_branch) for sel in group]
    return lines


def _pending_target(
    pact: VerifiablePact, provider: str, branch: str | None, tags: list[str], any_or_a: str = "any"
) -> str:
    if branch:
        return f"{any_or_a} version of {provider} from branch '{branch}'"
    pending_tags = pact.pending_tags
    if not pending_tags:
        return provider
    if len(pending_tags) == 1:
        return f"{any_or_a} version of {provider} with tag '{pending_tags[0]}'"
    return f"{any_or_a} versions of {provider} with tag {_join(pending_tags)}"


def _why_wip(
    pact: VerifiablePact, provider: str, url: str, branch: str | None, tags: list[str]
) -> str:
    """Why a work-in-progress pact is verified: the latest versions it heads, unverified."""
    latest_branches = [s.branch for s in pact.selectors if s.branch] or []
    latest_tags = [s.tag for s in pact.selectors if s.tag] or []
    parts = []
    if latest_branches:
        parts.append(
            f"from {'branch' if len(latest_branches) == 1 else 'branches'} {_join(latest_branches)}"
        )
    if latest_tags:
        parts.append(f"tagged with {_join(latest_tags)}")
    version_text = "version" if len(latest_tags) == 1 or len(latest_branches) == 1 else "versions"
    same = {0: "", 1: "", 2: " (both have the same content)"}.get(
        len(pact.selectors), " (all have the same content)"
    )
    return (
        f"The pact at {url} is being verified because it is a 'work in progress' pact (ie. it is the "
        f"pact for the latest {version_text} of {pact.consumer_name} {' and '.join(parts)}{same} and it has "
        f"not yet been successfully verified by {_pending_target(pact, provider, branch, tags, 'a')} when "
        f"the pact's application version was explicitly specified in the consumer version selectors). {READ_MORE_WIP}"
    )


def _why_selected(pact: VerifiablePact, provider: str, url: str) -> str:
    """Why a selected pact is verified: the selectors its consumer versions match."""
    count = len(pact.selectors)
    descriptions = "\n".join(
        f"    * {line}"
        for line in _descriptions(pact.selectors, provider, pact.consumer_main_branch)
    )
    return (
        f"The pact at {url} is being verified because the pact content belongs to "
        f"{'the consumer version' if count == 1 else 'the consumer versions'} matching the following "
        f"{'criterion' if count == 1 else 'criteria'}:\n{descriptions}"
    )


def _pending_state(pact: VerifiablePact, provider: str, branch: str | None, tags: list[str]) -> str:
    """Whether a failure of this verification fails the build, and why."""
    if pact.pending and pact.wip:
        return (
            f"This pact is in pending state for this version of {provider} because it was included as a "
            f"'work in progress' pact. If this verification fails, it will not cause the overall build to fail. {READ_MORE_PENDING}"
        )
    if pact.pending:
        return (
            f"This pact is in pending state for this version of {provider} because a successful verification "
            f"result for {_pending_target(pact, provider, branch, tags, 'a')} has not yet been published. If this "
            f"verification fails, it will not cause the overall build to fail. {READ_MORE_PENDING}"
        )
    if branch:
        by = f"a version of {provider} from branch '{branch}'"
    elif pact.non_pending_tags:
        by = (
            f"a version of {provider} with tag '{pact.non_pending_tags[0]}'"
            if len(pact.non_pending_tags) == 1
            else f"a version of {provider} with tag {_join(pact.non_pending_tags)}"
        )
    else:
        by = provider
    return (
        f"This pact has previously been successfully verified by {by}. If this verification fails, "
        f"it will fail the build. {READ_MORE_PENDING}"
    )


def _after_pending_verification(
    pact: VerifiablePact, provider: str, branch: str | None, tags: list[str]
) -> list[dict[str, str]]:
    """What a pending pact's verification leads to, per outcome (success, published)."""
    target = _pending_target(pact, provider, branch, tags)
    with_tags = {0: "", 1: "with this tag "}.get(len(pact.pending_tags), "with these tags ")
    still = f"This pact is still in pending state for {target} as a successful verification result {with_tags}has not yet been published"
    return [
        {
            "when": "after_verification:success_true_published_false",
            "text": (
                f"This pact is still in pending state for {target} as the successful verification results {with_tags}have not yet been published."
            ),
        },
        {"when": "after_verification:success_false_published_false", "text": still},
        {
            "when": "after_verification:success_true_published_true",
            "text": (
                f"This pact is no longer in pending state for {target}, as a successful verification result {with_tags}has been "
                f"published. If a verification for a version of {provider} {with_tags}fails in the future, it will fail the build. {READ_MORE_PENDING}"
            ),
        },
        {"when": "after_verification:success_false_published_true", "text": still},
    ]


#: what a pact's pending notices depend on besides the request (its pending state)
PendingKey = tuple[bool, bool, tuple[str, ...], tuple[str, ...]]


def pending_key(pact: VerifiablePact) -> PendingKey:
    """The pacts of one request with equal keys have equal ``pending_notices``."""
    return (pact.pending, pact.wip, tuple(pact.pending_tags), tuple(pact.non_pending_tags))


def why_verified(
    pact: VerifiablePact, provider: str, url: str, branch: str | None, tags: list[str]
) -> str:
    """The text of a pact's first notice: why it is verified (its own for every pact)."""
    if pact.wip:
        return _why_wip(pact, provider, url, branch, tags)
    return _why_selected(pact, provider, url)


def pending_notices(
    pact: VerifiablePact, provider: str, branch: str | None, tags: list[str]
) -> list[dict[str, str]]:
    """The notices after the first when pending status was asked for: the pact's pending
    state, then (a pending pact) what each outcome leads to. Equal for the pacts of one
    request with the same ``pending_key``."""
    tail = [{"when": "before_verification", "text": _pending_state(pact, provider, branch, tags)}]
    if pact.pending:
        tail += _after_pending_verification(pact, provider, branch, tags)
    return tail
