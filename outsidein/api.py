"""The REST API under /api/v1/: each domain app contributes a router."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from outsidein.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal API token>."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Outside-In API",
    version="1",
    description="Customer feedback, customers and journeys. Authenticate with a personal "
    "API token: `Authorization: Bearer oi_...` (create one on the API tokens page or with "
    "`outsidein token create`).",
    auth=TokenAuth(),
    urls_namespace="api",
)


def register_routers() -> None:
    # Imported here so that each app owns its endpoints and the API module stays a seam.
    from outsidein.customers.api import router as customers_router
    from outsidein.feedback.api import router as feedback_router

    api.add_router("/feedback", feedback_router)
    api.add_router("/customers", customers_router)


register_routers()
