"""Reading ids and numbers from query strings and form data that anyone can type.

`str.isdigit()` is true for "²" and "٣" and for numbers far beyond any column,
so a check with it still lets int() or the database fail; these helpers do not.
"""

import re

ID = re.compile(r"[0-9]{1,18}")  # below 2**63: any bigint primary key


def id_or_none(value) -> int | None:
    """The id a parameter holds, or None when it is empty, not a plain number or out of range."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 2**63 else None
    text = str(value or "").strip()
    return int(text) if ID.fullmatch(text) else None
