"""accord's verdicts against PactFlow's own: every pair of the table is also given to
``@pactflow/swagger-mock-validator`` (the open-source engine of PactFlow's bi-directional
contract testing, from the npm registry, run with its defaults), and both must agree on
compatible / incompatible — except for the few cases listed below, where accord follows the
OpenAPI specification or the Pact semantics more closely, each with its reason (and the
test checks that they do still differ, so the list stays true)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from accord.openapi import check_pact

from .shop import SHOP, document, pact
from .test_openapi_pairs import COMPATIBLE, INCOMPATIBLE

pytestmark = pytest.mark.interop

# scripts/npm_tools.sh installs the validator, pinned by tests/interop/js/package-lock.json.
NPM_TOOLS = Path(os.environ.get("ACCORD_NPM_TOOLS") or Path(__file__).parents[2] / ".npm-tools")
DRIVER = Path(__file__).with_name("swagger_mock_validator.mjs")

# accord's verdict differs from swagger-mock-validator's, on purpose:
DIFFERENCES = {
    "under the server's base path": "OpenAPI 3 servers may carry a path (/api); the validator "
    "only knows Swagger 2's basePath",
    "a 2XX range": "OpenAPI 3 allows status ranges (2XX); the validator does not know them",
    "regex on an enum field: the literal is only an example": "with a regex rule the consumer "
    "accepts any matching string, so accord compares the type; the validator the literal",
    "int64 format": "accord checks that an int64 fits in 64 bits; the validator does not",
    "an array longer than maxItems under a type rule": "a type rule on an array means any "
    "length; the validator compares the example's length with maxItems",
    "a writeOnly field expected in a response": "the provider never sends a writeOnly field; "
    "the validator does not read writeOnly",
    "number matcher where the document says integer": "a number rule accepts integers too, "
    "so accord compares the type; the validator the literal 1.5",
    "a form field of the wrong type": "the validator does not compare form bodies",
    "a form without a required field": "the validator does not compare form bodies",
}
# ... and cases the validator refuses to judge (its error message):
REFUSED = {
    "a discriminator picks the alternative": "discriminator: mapping is not supported",
    "the alternative the discriminator picks does not fit":
        "discriminator: mapping is not supported",
}

CASES: list[tuple[str, dict[str, Any]]] = [(c[0], c[1]) for c in COMPATIBLE] + [
    (c[0], c[1]) for c in INCOMPATIBLE]


@pytest.fixture(scope="module")
def pactflow_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "this test needs Node.js (apt-get install nodejs)"
    installed = NPM_TOOLS / "node_modules"
    if not (installed / "@pactflow" / "swagger-mock-validator").is_dir():
        pytest.fail(f"swagger-mock-validator is not installed in {installed}: run "
                    "`bash scripts/npm_tools.sh`", pytrace=False)
    root = tmp_path_factory.mktemp("swagger-mock-validator")
    shutil.copy(DRIVER, root / DRIVER.name)
    (root / "node_modules").symlink_to(installed)  # where node resolves the driver's import
    spec = root / "spec.json"
    spec.write_text(json.dumps(SHOP))
    cases = []
    for i, (name, raw) in enumerate(CASES):
        mock = root / f"pact-{i}.json"
        mock.write_text(json.dumps({
            "consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [raw],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}))
        cases.append({"name": name, "spec": str(spec), "mock": str(mock)})
    (root / "cases.json").write_text(json.dumps(cases))
    done = subprocess.run([node, str(root / DRIVER.name), str(root / "cases.json")],
                          cwd=root, check=True, capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "raw"), CASES, ids=[c[0] for c in CASES])
def test_accord_and_pactflow_agree(name: str, raw: dict[str, Any],
                                   pactflow_verdicts: dict[str, Any]) -> None:
    theirs = pactflow_verdicts[name]
    if name in REFUSED:
        assert REFUSED[name] in theirs.get("crash", ""), f"they judge it now: {theirs}"
        return
    assert "crash" not in theirs, theirs
    [ours] = check_pact(pact(raw), document()).interactions
    if name in DIFFERENCES:
        assert ours.ok != theirs["success"], f"they agree now: {DIFFERENCES[name]}"
        return
    assert ours.ok == theirs["success"], (theirs, [f.to_json() for f in ours.findings])
    if not ours.ok:  # and both blame the same side of the interaction
        side = next(f.pact_location for f in ours.findings
                    if f.severity == "error").split(".")[0]
        assert any(code.startswith(side) for code in theirs["errors"]), theirs
