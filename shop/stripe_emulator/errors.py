"""Errors rendered exactly as Stripe renders them: `{"error": {...}}` with its status codes."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

DOC_URL_BASE = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    """An API failure that the app turns into Stripe's JSON error body and HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        replayable: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type
        self.code = code
        self.param = param
        self.decline_code = decline_code
        # Stripe saves an idempotent result only once the endpoint started executing;
        # parameter validation failures are not saved, business-rule refusals are.
        self.replayable = replayable

    def body(self) -> JSON:
        """Return the error as Stripe's response body."""
        error: JSON = {"message": self.message, "type": self.error_type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = DOC_URL_BASE + self.code.replace("_", "-")
        if self.param:
            error["param"] = self.param
        if self.decline_code:
            error["decline_code"] = self.decline_code
        return {"error": error}


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    """A 400 invalid_request_error raised while validating parameters."""
    return StripeError(400, message, param=param, code=code)


def refused(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    """A 400 raised by a business rule after the request started executing (replayable)."""
    return StripeError(400, message, param=param, code=code, replayable=True)


def missing(param: str) -> StripeError:
    """Stripe's error for a required parameter that was not sent."""
    return invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")


def unknown(param: str) -> StripeError:
    """Stripe's error for a parameter name the endpoint does not know."""
    return invalid(f"Received unknown parameter: {param}", param=param, code="parameter_unknown")


def invalid_empty(param: str) -> StripeError:
    """Stripe's error for an empty string sent for a parameter that cannot be unset."""
    return invalid(
        f"You passed an empty string for '{param}'. We assume empty values are an attempt to "
        f"unset a parameter; however '{param}' cannot be unset. You should remove '{param}' "
        "from your request or supply a non-empty value.",
        param=param,
        code="parameter_invalid_empty",
    )


def not_found(object_name: str, object_id: str, param: str = "id") -> StripeError:
    """Stripe's 404 for an id that does not exist."""
    return StripeError(
        404,
        f"No such {object_name}: '{object_id}'",
        param=param,
        code="resource_missing",
    )


def only_one_of(*params: str) -> StripeError:
    """Stripe's error for mutually exclusive parameters sent together."""
    names = ", ".join(params)
    return invalid(f"You may only specify one of these parameters: {names}.", param=params[0])


def unrecognized_url(method: str, path: str) -> StripeError:
    """Stripe's 404 for a path (or method) it has no route for."""
    return StripeError(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
        "or we can help at https://support.stripe.com/.",
    )
