"""Names the user typed that nearly match a known one, and how to show typed text.

A key, column heading or sheet name that differs from a known one only by case, spaces
(or _ and -), invisible characters (zero-width spaces, soft hyphens, a byte-order mark),
a no-break space or a look-alike letter (Cyrillic or Greek for Latin) is what the user
meant, mistyped: it is refused with "did you mean", never quietly ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060"
                                    "\u2061\u2062\u2063\u2064\ufeff\u202a\u202b\u202c"
                                    "\u202d\u202e\u2066\u2067\u2068\u2069"), None)
# Letters that look like Latin ones (Unicode's confusables, the ones a keyboard gives):
# NFKC leaves them alone, since they are letters of their own scripts.
_LOOK_ALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u0442"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406\u0408"
    "\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba\u03c4\u03c5\u03b5"
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7",
    "aeopcyxijsdhtABEKMHOPCTXIJaopvikTue" "ABEZHIKMNOPTYX")
_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """The form two names share when one is a near miss of the other."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_LOOK_ALIKES)
    return _SEPARATORS.sub("", text.casefold())


def near_miss(text: str, known: Iterable[str]) -> str | None:
    """The known name ``text`` nearly is (but is not), if any."""
    target = fold(text)
    for name in known:
        if name != text and fold(name) == target:
            return name
    return None


_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def shown(text: str, limit: int = 60, name: bool = True) -> str:
    """Typed text as a message may echo it: control, format (bidi, zero-width) and other
    invisible characters written as \\u escapes (and, in a ``name``, every letter outside
    ASCII, to show a look-alike), so the terminal shows what is there and is not driven
    by it."""
    out = []
    for ch in text[:limit]:
        plain = ch.isascii() and ch.isprintable() if name else (
            unicodedata.category(ch) not in _HIDDEN and ch not in "\u00a0\u2007\u202f")
        if plain or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return "".join(out) + ("..." if len(text) > limit else "")


def did_you_mean(text: str, known: Iterable[str]) -> str:
    """'text' (did you mean 'known'?) for a near miss; 'text' otherwise."""
    meant = near_miss(text, known)
    return f"'{shown(text)}'" + (f" (did you mean '{meant}'?)" if meant else "")
