"""Stable identifiers: the same name gives the same key on every run and machine.

Keys are IRI tails, so they must be safe inside an IRI whatever the article
says: only ``[a-z0-9-]`` survive, and a name with no Latin letters at all (a
name in Cyrillic, say) gets a hash of itself instead of an empty string.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a Latin base letter plus accents.
_TRANSLITERATE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
    }
)


def digest(*parts: str, size: int = 12) -> str:
    """A short hex digest of the parts, stable across processes (unlike hash())."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:size]


def slugify(text: str) -> str:
    """ "Boris Pistorius" -> "boris-pistorius"; "Helenów" -> "helenow"."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    slug = _NOT_SLUG.sub("-", folded.casefold()).strip("-")
    return slug[:80].rstrip("-") or "x-" + digest(text, size=10)


def entity_key(type_: str, label: str) -> str:
    """The key of an entity of core type ``type_`` named ``label``."""
    return f"{type_.lower()}/{slugify(label)}"
