"""Release codes of sealed papers: read over a telephone, a mistyped symbol is caught by the
check symbol before any key is derived, and only the right code opens the sitting key."""

from __future__ import annotations

import pytest

from examkit.release_codes import CHECK_SYMBOLS, SYMBOLS, BadReleaseCode, new_code, normalise
from examkit.sealed_papers import PaperDoesNotOpen, new_sitting_key, open_paper, seal_paper, unwrap_key


def test_every_single_changed_symbol_of_a_code_is_caught():
    for _ in range(20):
        code = new_code()
        assert len(code) == 16 + 3 + 2 and normalise(code.lower().replace("-", " ")) \
            == code.replace("-", "")
        for place, symbol in enumerate(code):
            if symbol == "-":
                continue
            alphabet = CHECK_SYMBOLS if place == len(code) - 1 else SYMBOLS
            for other in alphabet:
                if other != symbol:
                    typed = code[:place] + other + code[place + 1:]
                    with pytest.raises(BadReleaseCode):
                        normalise(typed)


def test_look_alike_letters_are_read_as_digits_and_a_short_code_is_refused():
    code = new_code().replace("0", "O").replace("1", "l")
    assert normalise(code)   # O and l read as 0 and 1
    with pytest.raises(BadReleaseCode, match="16 letters"):
        normalise("7K2M-QX9D")


def test_only_the_sittings_own_code_opens_its_key_and_its_paper():
    key, code = new_sitting_key(), new_code()
    sealed = seal_paper("s1", "PHY201", b"Physics question 1", key, code)
    assert b"Physics" not in sealed.paper + sealed.wrapped_key
    assert open_paper(sealed, unwrap_key(sealed, code)) == b"Physics question 1"
    with pytest.raises(PaperDoesNotOpen):
        unwrap_key(sealed, new_code())
    with pytest.raises(PaperDoesNotOpen):
        open_paper(sealed, new_sitting_key())
