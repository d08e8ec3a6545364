"""Where a user's booking stands: the steps of the flow, what each step takes, and the state
saved between messages (so a restart loses nothing).

    EVENT ─▶ DAY ─▶ SLOT ─▶ TOPIC ─▶ CONSENT ─▶ NAME ─▶ PHONE ─▶ COUNTRY ─▶ SUMMARY ─▶ booked
                     ▲  (moving a booking: DAY ─▶ SLOT ─▶ moved)

Consent (Moroccan law 09-08) comes before any personal data is asked. A step waits either for a
choice of one kind (its button prefix below) or for a typed answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

__all__ = ["CHOICE_OF", "NEXT", "TYPED", "FlowState", "Step"]


class Step(StrEnum):
    EVENT = "event"
    DAY = "day"
    SLOT = "slot"
    TOPIC = "topic"
    CONSENT = "consent"
    NAME = "name"
    PHONE = "phone"
    COUNTRY = "country"
    SUMMARY = "summary"


# The choice each step waits for (the kind in `bk:<kind>:<value>`).
CHOICE_OF = {
    Step.EVENT: "ev",
    Step.DAY: "day",
    Step.SLOT: "slot",
    Step.TOPIC: "topic",
    Step.CONSENT: "consent",
    Step.SUMMARY: "confirm",
}
# The steps that wait for a typed answer (the phone also takes a shared contact).
TYPED = frozenset({Step.NAME, Step.PHONE, Step.COUNTRY})
# The step after each one.
NEXT = {
    Step.EVENT: Step.DAY,
    Step.DAY: Step.SLOT,
    Step.SLOT: Step.TOPIC,
    Step.TOPIC: Step.CONSENT,
    Step.CONSENT: Step.NAME,
    Step.NAME: Step.PHONE,
    Step.PHONE: Step.COUNTRY,
    Step.COUNTRY: Step.SUMMARY,
}


@dataclass
class FlowState:
    """What the user has chosen and typed so far; `change` is the code of a booking being
    moved to another time."""

    lang: str
    step: Step = Step.EVENT
    event: str = ""
    day: str = ""
    slot: str = ""
    topic: str = ""
    name: str = ""
    phone: str = ""
    country: str = ""
    change: str = ""

    def advance(self, **chosen: str) -> FlowState:
        """Record what this step took and move to the next step."""
        for key, value in chosen.items():
            setattr(self, key, value)
        self.step = NEXT[self.step]
        return self

    def saved(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_saved(cls, saved: dict[str, Any]) -> FlowState:
        """Read a saved state, older releases' included (unknown keys are ignored)."""
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in saved.items() if key in known and value}
        step = values.pop("step", Step.EVENT)
        return cls(
            lang=str(values.pop("lang", "ar")),
            step=Step(step) if step in {member.value for member in Step} else Step.EVENT,
            **{key: str(value) for key, value in values.items()},
        )
