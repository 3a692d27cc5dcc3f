"""HTTP routes under `/_emulator/`: JSON in, JSON out, for tests written in any language."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from shop.stripe_emulator.checkout_input import PaymentInputError
from shop.stripe_emulator.controls import Controller
from shop.stripe_emulator.errors import StripeError
from shop.stripe_emulator.payments import NothingToSettle, SessionNotOpen

JSON = dict[str, Any]
Action = Callable[[Controller, JSON, dict[str, str]], Any]


def _reply(status: int, body: Any) -> Response:
    return Response(
        json.dumps(body, indent=2) + "\n", status=status, content_type="application/json"
    )


def _problem(status: int, message: str) -> Response:
    return _reply(status, {"error": {"message": message}})


def _reset(c: Controller, _body: JSON, _args: dict[str, str]) -> JSON:
    c.reset()
    return {"ok": True}


def _clear_faults(c: Controller, _body: JSON, _args: dict[str, str]) -> JSON:
    c.clear_faults()
    return {"ok": True}


def _pause(c: Controller, _body: JSON, _args: dict[str, str]) -> JSON:
    c.pause_webhooks()
    return {"ok": True}


def _resume(c: Controller, body: JSON, _args: dict[str, str]) -> JSON:
    c.resume_webhooks(**body)
    return {"ok": True}


def _set_webhook(c: Controller, body: JSON, _args: dict[str, str]) -> JSON:
    c.set_webhook(**body)
    return c.webhook_config()


ACTIONS: dict[str, Action] = {
    "health": lambda c, _b, _a: {"ok": True},
    "reset": _reset,
    "pay": lambda c, b, a: c.pay(a["id"], **b),
    "settle": lambda c, _b, a: c.settle(a["id"]),
    "expire_now": lambda c, _b, a: c.expire_now(a["id"]),
    "refund": lambda c, b, a: c.dashboard_refund(a["id"], **b),
    "faults.list": lambda c, _b, _a: c.faults.list(),
    "faults.add": lambda c, b, _a: c.add_fault(**b),
    "faults.clear": _clear_faults,
    "webhooks.pause": _pause,
    "webhooks.resume": _resume,
    "webhook.get": lambda c, _b, _a: c.webhook_config(),
    "webhook.set": _set_webhook,
    "deliveries": lambda c, _b, _a: c.deliveries(),
    "events": lambda c, _b, _a: c.events(),
    "clock.get": lambda c, _b, _a: {"offset": c.store.clock.offset, "now": c.store.clock.now()},
    "clock.advance": lambda c, b, _a: {"offset": c.advance_clock(float(b["seconds"]))},
}

ROUTES = Map(
    [
        Rule("/_emulator/health", methods=["GET"], endpoint="health"),
        Rule("/_emulator/reset", methods=["POST"], endpoint="reset"),
        Rule("/_emulator/sessions/<id>/pay", methods=["POST"], endpoint="pay"),
        Rule("/_emulator/sessions/<id>/settle", methods=["POST"], endpoint="settle"),
        Rule("/_emulator/sessions/<id>/expire_now", methods=["POST"], endpoint="expire_now"),
        Rule("/_emulator/payment_intents/<id>/refund", methods=["POST"], endpoint="refund"),
        Rule("/_emulator/faults", methods=["GET"], endpoint="faults.list"),
        Rule("/_emulator/faults", methods=["POST"], endpoint="faults.add"),
        Rule("/_emulator/faults", methods=["DELETE"], endpoint="faults.clear"),
        Rule("/_emulator/webhooks/pause", methods=["POST"], endpoint="webhooks.pause"),
        Rule("/_emulator/webhooks/resume", methods=["POST"], endpoint="webhooks.resume"),
        Rule("/_emulator/webhook", methods=["GET"], endpoint="webhook.get"),
        Rule("/_emulator/webhook", methods=["POST"], endpoint="webhook.set"),
        Rule("/_emulator/deliveries", methods=["GET"], endpoint="deliveries"),
        Rule("/_emulator/events", methods=["GET"], endpoint="events"),
        Rule("/_emulator/clock", methods=["GET"], endpoint="clock.get"),
        Rule("/_emulator/clock", methods=["POST"], endpoint="clock.advance"),
    ]
)


class ControlRoutes:
    """Dispatches `/_emulator/...` requests to a `Controller`."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller

    def handle(self, request: Request) -> Response:
        """Serve one control request."""
        try:
            endpoint, args = ROUTES.bind_to_environ(request.environ).match()
        except NotFound:
            return _problem(404, f"No emulator control at {request.path}")
        except MethodNotAllowed:
            return _problem(405, f"{request.method} is not allowed on {request.path}")
        body = request.get_data(as_text=True).strip()
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return _problem(400, "The request body must be a JSON object.")
        if not isinstance(payload, dict):
            return _problem(400, "The request body must be a JSON object.")
        try:
            return _reply(200, ACTIONS[str(endpoint)](self.controller, payload, dict(args)))
        except StripeError as exc:
            return _reply(exc.status, exc.body())
        except (SessionNotOpen, NothingToSettle) as exc:
            return _problem(409, str(exc))
        except (PaymentInputError, ValueError, TypeError, KeyError) as exc:
            return _problem(400, str(exc))
