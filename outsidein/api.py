"""The REST API under /api/v1/: each domain app contributes a router.

Errors have one shape: {"detail": "message"} for the whole request, or
{"detail": [{"loc": [...], "msg": "...", "type": "..."}]} listing every field error.
Bad input of any kind gets a 4xx answer, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import HttpBearer
from pydantic import BaseModel

from outsidein.accounts.tokens import user_for_token
from outsidein.feedback.pagination import BadCursor
from outsidein.feedback.schemas import PayloadError, error

logger = logging.getLogger(__name__)
# The name of the view parameter that holds a schema of query parameters, in every router.
QUERY_PARAMS = "params"


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal API token>."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class OutsideInAPI(NinjaAPI):
    """NinjaAPI that also documents request schemas parsed by hand in the views."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.documented_schemas: list[type[BaseModel]] = []

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        components = schema["components"]["schemas"]
        for model in self.documented_schemas:
            definition = model.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
            )
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        return schema


api = OutsideInAPI(
    title="Outside-In API",
    version="1",
    description="Customer feedback, customers and journeys. Authenticate with a personal "
    "API token: `Authorization: Bearer oi_...` (create one on the API tokens page or with "
    '`outsidein token create`). Errors answer `{"detail": ...}`: a message, or a list of '
    '`{"loc", "msg", "type"}` with every field error.',
    auth=TokenAuth(),
    urls_namespace="api",
    # Swagger UI from the ninja app's own static files (no CDN); no call-outs to the
    # public validator, so the page works on closed networks.
    docs=Swagger(settings={"validatorUrl": None}),
)


def detail(request: HttpRequest, body: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": body}, status=status)


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Only loc/msg/type: pydantic's "input" would echo what may be personal data.
    errors = [error(_location(e["loc"]), e["msg"], e["type"]) for e in exc.errors]
    return detail(request, errors, 422)


def _location(loc: Any) -> list[str | int]:
    # ninja puts the view's parameter name after the source ("query", "params", "limit");
    # clients know the query parameter only, so the parameter name is dropped.
    loc = list(loc)
    if len(loc) > 2 and loc[0] in {"query", "path"} and loc[1] == QUERY_PARAMS:
        del loc[1]
    return loc


@api.exception_handler(PayloadError)
def invalid_payload(request: HttpRequest, exc: PayloadError) -> HttpResponse:
    return detail(request, exc.errors, exc.status)


@api.exception_handler(BadCursor)
def invalid_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    return detail(request, [error(["query", "cursor"], str(exc), "cursor_invalid")], 422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = detail(request, "Send a valid API token: 'Authorization: Bearer oi_...'.", 401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return detail(request, "The body is too large; send fewer items per batch.", 413)


@api.exception_handler(SuspiciousOperation)
def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return detail(request, "The request is malformed.", 400)


@api.exception_handler(DataError)
def unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value passed validation but the database refused it: still the client's input.
    logger.warning("API input refused by the database: %s", exc)
    return detail(request, "A value cannot be stored (out of range or malformed).", 422)


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Typically two clients sending the same new item at the same moment: a retry is safe.
    logger.warning("API write conflict: %s", exc)
    return detail(request, "A concurrent request changed the same data; send it again.", 409)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return detail(request, "Internal error; it has been logged.", 500)


def register_routers() -> None:
    # Imported here so that each app owns its endpoints and the API module stays a seam.
    from outsidein.customers.api import router as customers_router
    from outsidein.feedback.api import REQUEST_SCHEMAS
    from outsidein.feedback.api import router as feedback_router

    api.add_router("/feedback", feedback_router)
    api.add_router("/customers", customers_router)
    api.add_router("/metrics", "outsidein.insights.api.router")
    api.add_router("/touchpoint-events", "outsidein.surveys.api.router")
    api.add_router("/cases", "outsidein.cases.api.router")
    api.documented_schemas.extend(REQUEST_SCHEMAS)


register_routers()
