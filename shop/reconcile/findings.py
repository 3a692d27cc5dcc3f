"""What a reconciliation reports: kinds of disagreement, findings and the run's report."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


class FindingKind(enum.StrEnum):
    """What kind of disagreement a finding is."""

    #: Stripe has the money, the order is not paid: run fulfilment.
    PAID_NOT_HERE = "paid_in_stripe_not_here"
    #: The order says paid, Stripe does not.
    PAID_HERE_NOT_STRIPE = "paid_here_not_in_stripe"
    #: Both paid, but the amounts or currencies differ.
    AMOUNT_MISMATCH = "amount_mismatch"
    #: A Checkout Session with no order of ours.
    NO_ORDER = "no_order"


LABELS = {
    FindingKind.PAID_NOT_HERE: "Paid in Stripe, not here",
    FindingKind.PAID_HERE_NOT_STRIPE: "Paid here, not in Stripe",
    FindingKind.AMOUNT_MISMATCH: "Amounts differ",
    FindingKind.NO_ORDER: "Session without an order",
}


@dataclass(frozen=True)
class Finding:
    """One thing an operator should look at."""

    kind: FindingKind
    detail: str
    session_id: str | None = None
    order_number: str | None = None
    order_status: str | None = None

    @property
    def fixable(self) -> bool:
        """Whether running fulfilment for the session resolves it."""
        return self.kind is FindingKind.PAID_NOT_HERE and self.session_id is not None

    @property
    def label(self) -> str:
        """A short heading for the kind."""
        return LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-friendly values."""
        return asdict(self) | {"kind": self.kind.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """A finding stored by `as_dict`."""
        return cls(**(data | {"kind": FindingKind(data["kind"])}))


@dataclass
class Report:
    """The result of one run."""

    since: date | None
    sessions_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Nothing needs attention."""
        return not self.findings
