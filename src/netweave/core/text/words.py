"""Words of Dutch and English text: how topic drift, the overlap finder and the matcher read
text, so all three read it the same way.

A text is turned into stems in four steps:

1. *Tokenise*: lower-case, drop apostrophes (``auto's`` -> ``autos``, ``don't`` -> ``dont``),
   split on anything that is not a letter or digit (so ``warmte-pomp`` is two words), drop
   tokens without a letter and one-letter tokens. The unstemmed, lower-cased token (accents
   kept) is remembered as its *surface form*.
2. *Fold accents*: Unicode NFKD and drop the combining marks (``één`` -> ``een``,
   ``café`` -> ``cafe``; the ligature ``ĳ`` -> ``ij``); ``ß`` -> ``ss``, ``æ`` -> ``ae``,
   ``ø`` -> ``o``. Stop-word lists and stemmers see folded tokens.
3. *Guess the language* of the text: count its tokens that are Dutch-only stop words and its
   tokens that are English-only stop words (words on both lists, such as ``in``, ``is``,
   ``was``, ``over``, do not vote). More Dutch votes -> Dutch, more English votes -> English;
   a tie is None (the caller decides: topic drift takes the corpus language).
4. *Drop stop words* of the language and *stem* the rest with that language's Snowball
   stemmer (``snowballstemmer``: "warmtepompen" and "warmtepomp" -> "warmtepomp";
   "heat pumps" -> "heat", "pump").

:func:`fold_accents` (step 2 without the extra letters) is also how names, regions and tags
are compared elsewhere in the core.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DUTCH_STOP_WORDS",
    "ENGLISH_STOP_WORDS",
    "EN_ONLY",
    "NL_ONLY",
    "Analyser",
    "analyse_text",
    "fold_accents",
    "guess_language",
    "tokenize",
]

#: Short English stop-word list (accent-folded, apostrophes removed).
ENGLISH_STOP_WORDS: frozenset[str] = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot cant could couldnt did didnt do does doesnt doing
dont down during each few for from further get gets got had hadnt has hasnt have havent having
he her here hers herself him himself his how i if im in into is isnt it its itself ive just
lets may me might more most must my myself no nor not now of off on once only or other ought
our ours ourselves out over own same shall she should so some such than that thats the their
theirs them themselves then there these they this those through to too under until up upon us
very was wasnt we were werent what when where which while who whom why will with wont would
wouldnt you youre your yours yourself yourselves
""".split())

#: Short Dutch stop-word list (accent-folded: "één" is "een").
DUTCH_STOP_WORDS: frozenset[str] = frozenset("""
aan al alle alles als altijd andere ben bent bij daar dan dat de der deze die dit doch doen
door dus een eens en er ge geen geweest graag haar had heb hebben hebt heeft hem het hier hij
hoe hun iemand iets ik in is ja je jij jou jouw jullie kan kon kunnen maar me meer men met mij
mijn moet moeten na naar niet niets nog nu of om omdat onder ons onze ook op over reeds te
tegen toch toen tot u uit uw van veel voor waar want waren was wat we wel welke werd wezen wie
wij wil worden wordt zal ze zelf zich zij zijn zo zoals zonder zou zullen
""".split())

#: The stop words that vote for a language (step 3): on one list only.
NL_ONLY = DUTCH_STOP_WORDS - ENGLISH_STOP_WORDS
EN_ONLY = ENGLISH_STOP_WORDS - DUTCH_STOP_WORDS
_STOP = {"nl": DUTCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}
_STEMMERS = {"nl": "dutch", "en": "english"}

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_WORD = re.compile(r"[^\W_]+")
_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})


def fold_accents(text: str) -> str:
    """``text`` in Unicode NFKD without its combining marks (``"Één café"`` ->
    ``"Een cafe"``); letters without a decomposition (``ß``, ``ø``) stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(surface: str) -> str | None:
    """The accent-folded token, or None when it is dropped (no letter, shorter than 2)."""
    if len(surface) < 2 or surface.isdigit():
        return None
    if not surface.isascii():
        surface = fold_accents(surface.translate(_FOLD_EXTRA))
    if len(surface) < 2 or not any(ch.isalpha() for ch in surface):
        return None
    return surface


def guess_language(folded: Iterable[str]) -> str | None:
    """"nl" or "en" by exclusive stop-word votes; None on a tie (step 3 above)."""
    folded = list(folded)
    nl = sum(map(NL_ONLY.__contains__, folded))
    en = sum(map(EN_ONLY.__contains__, folded))
    if nl == en:
        return None
    return "nl" if nl > en else "en"


class Analyser:
    """Dutch and English tokeniser and stemmers with caches: tokens repeat a lot, so each
    distinct one is folded and stemmed once per analyser."""

    def __init__(self) -> None:
        # Imported here: the importers fold names with this module and need no stemmer.
        import snowballstemmer

        self._stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMERS.items()}
        self._stems: dict[str, dict[str, str | None]] = {lang: {} for lang in _STEMMERS}
        self._ids: dict[str, int] = {}
        #: Surface and folded form of each token id of :meth:`token_ids`.
        self.surfaces: list[str] = []
        self.folds: list[str] = []

    def token_ids(self, text: str) -> list[int]:
        """The tokens of :meth:`tokens` as ids, one per distinct surface form (see
        :attr:`surfaces` and :attr:`folds`): a corpus kept as ids costs little memory."""
        ids, out = self._ids, []
        for surface in _WORD.findall(_APOSTROPHES.sub("", text.lower())):
            i = ids.get(surface)
            if i is None:
                folded = _fold(surface)
                if folded is None:
                    i = -1
                else:
                    i = len(self.surfaces)
                    self.surfaces.append(surface)
                    self.folds.append(folded)
                ids[surface] = i
            if i >= 0:
                out.append(i)
        return out

    def tokens(self, text: str) -> list[tuple[str, str]]:
        """``(surface, folded)`` pairs of a text, stop words still in (steps 1-2)."""
        surfaces, folds = self.surfaces, self.folds
        return [(surfaces[i], folds[i]) for i in self.token_ids(text)]

    def stem(self, folded: str, lang: str) -> str | None:
        """The stem of a folded token in ``lang``; None for a stop word (step 4)."""
        cache = self._stems[lang]
        if folded not in cache:
            cache[folded] = (None if folded in _STOP[lang]
                             else self._stemmers[lang].stemWord(folded))
        return cache[folded]

    def stems(self, tokens: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
        """``(stem, surface)`` pairs, the language's stop words dropped."""
        cache, out = self._stems[lang], []
        for surface, folded in tokens:
            stem = cache[folded] if folded in cache else self.stem(folded, lang)
            if stem is not None:
                out.append((stem, surface))
        return out


def tokenize(text: str) -> list[tuple[str, str]]:
    """``(surface, folded)`` pairs of a text, stop words still in (steps 1-2 above)."""
    return Analyser().tokens(text)


def analyse_text(text: str, language: str | None = None,
                 default_language: str = "nl") -> tuple[str, list[tuple[str, str]]]:
    """Language and ``(stem, surface)`` pairs of one text, stop words dropped.

    ``language`` forces the language; otherwise it is guessed, a tie taking
    ``default_language``. (``topic_drift`` uses the corpus language for ties.)
    """
    analyser = Analyser()
    tokens = analyser.tokens(text)
    lang = language or guess_language(f for _, f in tokens) or default_language
    return lang, analyser.stems(tokens, lang)
