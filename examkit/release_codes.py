"""Release codes of sealed papers: Crockford base32 in groups of four, and a check symbol.

A code is 16 symbols (80 random bits) read over a telephone, such as `7K2M-QX9D-4RTA-ZP3N-J`:
four groups of data and a check symbol, the data's value mod 37 in Crockford's alphabet of 37
check symbols. Since 37 is prime and no power of 32 is a multiple of it, changing any one
symbol (or swapping two neighbours) changes the check, so a mistyped code is caught before the
key derivation is even tried. Reading forgives case, spaces, dashes and the look-alikes O, I, L.
"""

from __future__ import annotations

import secrets

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"     # Crockford base32: no I, L, O, U
CHECK_SYMBOLS = SYMBOLS + "*~$=U"                # 37 check symbols
DATA_LENGTH = 16
_GROUP = 4
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class BadReleaseCode(ValueError):
    """A code that is not a release code, or whose check symbol does not match: mistyped."""


def _check(data: str) -> str:
    value = 0
    for symbol in data:
        value = value * 32 + SYMBOLS.index(symbol)
    return CHECK_SYMBOLS[value % 37]


def new_code() -> str:
    """A fresh release code, grouped for reading aloud."""
    data = "".join(secrets.choice(SYMBOLS) for _ in range(DATA_LENGTH))
    groups = [data[i:i + _GROUP] for i in range(0, DATA_LENGTH, _GROUP)]
    return "-".join([*groups, _check(data)])


def normalise(code: str) -> str:
    """The code's 16 data symbols and its check, upper case, without separators; BadReleaseCode
    when it is not one, or when its check symbol shows a mistyped symbol."""
    plain = "".join(code.split()).replace("-", "").upper()
    data, check = plain[:-1].translate(_LOOK_ALIKES), plain[-1:]
    if len(data) != DATA_LENGTH or any(s not in SYMBOLS for s in data):
        raise BadReleaseCode(f"A release code is {DATA_LENGTH} letters and digits and a check "
                             "symbol, such as 7K2M-QX9D-4RTA-ZP3N-J.")
    if check not in CHECK_SYMBOLS or _check(data) != check:
        raise BadReleaseCode("The release code's check symbol does not match: a symbol was "
                             "mistyped. Read the code again.")
    return data + check
