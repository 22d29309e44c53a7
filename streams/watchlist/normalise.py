"""Ship-name normalisation: the same name written differently gives the same key.

`normalise_name` returns the name as upper-case words; `name_key` the same without spaces, the form
that is indexed and compared. The steps, in order:

1. accents dropped, upper case ("Dong Feng" -> "DONG FENG");
2. apostrophes deleted, every other run of punctuation a space ("M/V", "M.T.", "GP-21", "NO.3");
3. numbers without leading zeros ("GOLDEN LIGHT 09" -> "GOLDEN LIGHT 9");
4. one leading type prefix dropped when a name follows ("MV", "M/V", "MT", "M.T.", "SS", ...);
5. a Roman numeral I-XX as the last of several words becomes digits ("ARK III" -> "ARK 3"), so that
   sister ships "BICENTENARIO II" and "BICENTENARIO III" differ in their numbers, not in a letter;
6. "NO" before a number dropped ("YU JONG NO 2" -> "YU JONG 2");
7. one trailing "HO"/"HAO" dropped when a name precedes (Korean/Chinese "number": "CHON MA SAN HO");
8. the key joins the words: Korean and Chinese names are romanised with or without spaces and
   hyphens ("CHON MA SAN", "CHONMASAN", "Chon-ma-san"), and all give "CHONMASAN".

>>> normalise_name("M/V Chon-Ma-San ho")
'CHON MA SAN'
>>> name_key("M.T. YU JONG No.2"), name_key("Ark III"), name_key("golden light 09")
('YUJONG2', 'ARK3', 'GOLDENLIGHT9')
>>> digit_signature("FU YUAN YU 7601")
('7601',)
"""

from __future__ import annotations

import re
import unicodedata

from streams.watchlist.config import WatchlistConfig

_DEFAULT = WatchlistConfig()
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_SEPARATORS = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_ROMAN = {
    numeral: str(value)
    for value, numeral in enumerate(
        ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX"),
        start=1,
    )
}


def _strip_zeros(match: re.Match[str]) -> str:
    return str(int(match.group()))


def name_tokens(name: str, config: WatchlistConfig = _DEFAULT) -> tuple[str, ...]:
    """The normalised words of a ship name (see the module docstring); () for a blank name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = _APOSTROPHES.sub("", text)
    tokens = [_DIGITS.sub(_strip_zeros, token) for token in _SEPARATORS.sub(" ", text).split()]
    if len(tokens) > 1 and tokens[0] in config.prefixes:
        del tokens[0]
    elif len(tokens) > 2 and len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] + tokens[1] in config.prefixes:
        del tokens[:2]
    if len(tokens) > 1:
        tokens[-1] = _ROMAN.get(tokens[-1], tokens[-1])
    tokens = [
        token for i, token in enumerate(tokens)
        if not (token == "NO" and i + 1 < len(tokens) and tokens[i + 1].isdigit())
    ]
    if len(tokens) > 1 and tokens[-1] in config.suffixes:
        del tokens[-1]
    return tuple(tokens)


def normalise_name(name: str, config: WatchlistConfig = _DEFAULT) -> str:
    """Upper-case words separated by single spaces."""
    return " ".join(name_tokens(name, config))


def name_key(name: str, config: WatchlistConfig = _DEFAULT) -> str:
    """The normalised name without spaces: what the index holds and the matcher compares."""
    return "".join(name_tokens(name, config))


def digit_signature(key: str) -> tuple[str, ...]:
    """The numbers in a key, in order. Two names are fuzzy-matched only when these are equal:
    "JI SONG 6" and "JI SONG 8" are two sanctioned tankers, not one name misspelt."""
    return tuple(_DIGITS.findall(key))
