"""The UI page of a provider contract: its self-verification and each comparison with a pact.

At ``pf:ui`` (``/contracts/bi-directional/provider/{p}/version/{v}/provider-contract``), the
address PactFlow's clients print after publishing. Each comparison is shown with its findings,
so that a provider team sees what of a consumer's pact its document does not promise.
"""

from __future__ import annotations

from starlette.responses import Response

from accord.broker.api import provider_contracts
from accord.broker.api.routing import ApiError, Ctx
from accord.broker.services.contract_comparison import BY_CONTRACT_LABEL
from accord.broker.ui.pages import UiError
from accord.broker.ui.render import page

__all__ = ["provider_contract_page"]


def provider_contract_page(ctx: Ctx) -> Response:
    try:
        provider, contract = provider_contracts.require_contract(ctx)
    except ApiError:
        raise UiError(
            404,
            "Not found",
            f"{ctx.params['provider']} version {ctx.params['version']} has no provider contract.",
        ) from None
    return page(
        ctx,
        "provider_contract.html",
        provider=provider.name,
        contract=provider_contracts.contract_json(ctx, provider.name, contract),
        comparisons=provider_contracts.comparisons(ctx, provider, contract),
        label=BY_CONTRACT_LABEL,
    )
