# ruff: noqa: E501  (wire-format texts are kept on one line)
"""A matrix selector once resolved to versions, and the texts the official broker uses for it.

The official broker expands a selector that matches several versions (every version on a
branch, every version in an environment) into one selector per version; ``Selector`` keeps
them together and ``describe(version)`` gives the text of the one for ``version``. A selector
that matches nothing keeps an empty version list: when the user specified it, the answer to
can-i-deploy is no, with ``missing_text``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from accord.model.jsontypes import JsonMapping
from accord.model.valueclass import dataclass

__all__ = ["Selector", "flag"]


def flag(value: object) -> bool:
    """A selector's ``latest``/``mainBranch``: true, or the string "true"."""
    return value is True or str(value).lower() == "true"


@dataclass
class Selector:
    pacticipant: Any
    versions: list[Any] | None  # version rows; None: any version of the pacticipant
    specified: bool
    number: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    main_branch: bool = False
    environment: str | None = None
    ignored: bool = False  # an ignore selector names the whole pacticipant

    @classmethod
    def from_spec(
        cls, pacticipant: Row, spec: JsonMapping, specified: bool, versions: list[Row] | None
    ) -> Selector:
        return cls(
            pacticipant,
            versions,
            specified,
            number=spec.get("version") or None,
            latest=flag(spec.get("latest")),
            tag=spec.get("tag") or None,
            branch=spec.get("branch") or None,
            main_branch=flag(spec.get("mainBranch")),
            environment=spec.get("environment") or None,
        )

    @property
    def name(self) -> str:
        return self.pacticipant.name

    @property
    def version_ids(self) -> list[int] | None:
        return None if self.versions is None else [v.id for v in self.versions]

    @property
    def matches_nothing(self) -> bool:
        return self.versions is not None and not self.versions

    @property
    def count(self) -> int:
        """How many selectors the official broker would have made of this one."""
        return max(len(self.versions or []), 1)

    def describe(self, version: Row | None = None) -> str:
        """The official description of (the part of) this selector for ``version``."""
        if self.versions is None:
            return f"any version of {self.name}"
        if not self.versions:
            return self._text(self.number, self.branch, exists=False)
        if version is None or all(v.id != version.id for v in self.versions):
            version = self.versions[0]
        branch = self.branch or (self.pacticipant.main_branch if self.main_branch else None)
        return self._text(version.number, branch, exists=True)

    def _text(self, number: str | None, branch: str | None, *, exists: bool) -> str:
        name = self.name
        many = len(self.versions or []) > 1
        if self.latest and self.tag:
            found = f"({number})" if number else "(no such version exists)"
            return f"the latest version of {name} with tag {self.tag} {found}"
        if self.latest and self.main_branch and number is None:
            return f"the latest version of {name} from the main branch (no versions exist for this branch)"
        if self.main_branch and number is None:
            return f"any version of {name} from the main branch (no versions exist for this branch)"
        if self.latest and branch:
            found = f"({number})" if number else "(no such version exists)"
            return f"the latest version of {name} from branch {branch} {found}"
        if branch and number:
            prefix = "one of the versions" if many else "the version"
            return f"{prefix} of {name} from branch {branch} ({number})"
        if branch:
            return f"a version of {name} from branch {branch} (no such version exists)"
        if self.latest:
            found = f"({number})" if number else "(no such version exists)"
            return f"the latest version of {name} {found}"
        if self.tag:
            found = f"({number})" if number else "(no such version exists)"
            return f"a version of {name} with tag {self.tag} {found}"
        if self.environment and number:
            prefix = "one of the versions" if many else "the version"
            return f"{prefix} of {name} currently in {self.environment} ({number})"
        if self.environment:
            return (
                f"a version of {name} currently in {self.environment} (no version is currently "
                "recorded as deployed/released in this environment)"
            )
        if number and not exists:
            return f"version {number} of {name} (no such version exists)"
        if number:
            return f"version {number} of {name}"
        return f"any version of {name}"

    def missing_text(self) -> str:
        """Why can-i-deploy says no when this specified selector matches no version."""
        name = self.name
        if self.tag:
            return f"No version with tag {self.tag} exists for {name}"
        if self.branch:
            return f"No version of {name} from branch {self.branch} exists"
        if self.main_branch:
            return f"No version of {name} from the main branch exists"
        if self.environment:
            return f"No version of {name} is currently recorded as deployed or released in environment {self.environment}"
        if self.number:
            return (
                f"No pacts or verifications have been published for version {self.number} of {name}"
            )
        return f"No pacts or verifications have been published for {name}"
