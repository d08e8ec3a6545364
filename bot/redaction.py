"""Contact details taken out of free text before it is stored for staff review.

Citizens sometimes type their phone number or e-mail address into a question ("call me on
0612345678"). Unanswered questions are kept without identity for the staff's review lists, so
the contact details in them are replaced by a marker before storage: the question stays
readable, the person does not. A run of at least nine digits (with spaces, dots, dashes or
brackets between them) is taken for a phone number; amounts and dates are shorter.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL_MARK", "MAX_STORED_CHARS", "PHONE_MARK", "redact_contacts", "stored_text"]

PHONE_MARK = "[phone]"
EMAIL_MARK = "[e-mail]"
# Enough for a long situation-first message; a pasted document is cut, not stored whole.
MAX_STORED_CHARS = 500
_MIN_PHONE_DIGITS = 9

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGIT_RUN = re.compile(r"(?:\+|\b00)?\d[\d\s.\-()/]*\d")


def redact_contacts(text: str) -> str:
    """`text` with e-mail addresses and phone-like digit runs replaced by markers."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    return _DIGIT_RUN.sub(_phone_or_kept, text)


def stored_text(text: str) -> str:
    """What may be stored of a question: contact details masked, length capped."""
    return redact_contacts(text)[:MAX_STORED_CHARS]


def _phone_or_kept(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(char.isdigit() for char in run)
    return PHONE_MARK if digits >= _MIN_PHONE_DIGITS else run
