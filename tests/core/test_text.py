"""The core's one text module (netweave.core.text): folding, TF-IDF, and who uses them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import netweave
from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.measure.data import Charter, NetworkData
from netweave.core.measure.drift import topic_drift
from netweave.core.text import tfidf
from netweave.core.text.words import Analyser, fold_accents

SRC = Path(netweave.__file__).parent
CORPUS = [["warmtepomp", "isolatie", "warmtepomp"], ["isolatie", "dak"], ["heat", "pump"],
          ["warmtepomp"], ["dak", "dak", "dak", "gevel"]]


def test_fold_accents_drops_marks_and_keeps_letters_without_a_decomposition():
    assert fold_accents("Één café, coöperatie") == "Een cafe, cooperatie"
    assert fold_accents("Súdwest-Fryslân") == "Sudwest-Fryslan"
    assert fold_accents("Straße Søren") == "Straße Søren"


def test_vectorise_is_scikit_learns_sublinear_tfidf():
    ours = tfidf.vectorise(CORPUS)
    theirs = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True).fit_transform(CORPUS)
    assert (ours != theirs).nnz == 0
    texts = ["warmtepompsubsidie", "subsidie voor een warmtepomp", "heat pump"]
    ours = tfidf.vectorise(texts, ngrams=(3, 5))
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                             sublinear_tf=True).fit_transform(texts)
    assert (ours != theirs).nnz == 0


def test_a_weighted_row_stands_for_its_copies():
    """Weight w gives the rows and idf of fitting w copies (how drift counts repeated texts)."""
    vocabulary = sorted({t for doc in CORPUS for t in doc})
    rows = [r for r, doc in enumerate(CORPUS) for _ in doc]
    cols = [vocabulary.index(t) for doc in CORPUS for t in doc]
    weights = np.array([3.0, 1.0, 2.0, 1.0, 1.0])
    weighted, idf = tfidf.tfidf(tfidf.counts(np.array(rows), np.array(cols), len(CORPUS),
                                             len(vocabulary)), weights)
    copies = [doc for doc, w in zip(CORPUS, weights, strict=True) for _ in range(int(w))]
    fitted = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    expanded = fitted.fit_transform(copies).toarray()
    first_copy = np.cumsum([0, *weights[:-1].astype(int)])
    assert weighted.toarray() == pytest.approx(expanded[first_copy], abs=1e-15)
    assert idf == pytest.approx(fitted.idf_, abs=1e-15)


def test_an_empty_matrix_has_idf_and_no_rows_to_normalise():
    matrix, idf = tfidf.tfidf(tfidf.counts(np.array([]), np.array([]), 0, 0))
    assert matrix.shape == (0, 0) and idf.shape == (0,)


def test_drift_tokenises_each_distinct_text_once(monkeypatch):
    seen: Counter[str] = Counter()
    token_ids = Analyser.token_ids

    def counting(self, text):
        seen[text] += 1
        return token_ids(self, text)

    monkeypatch.setattr(Analyser, "token_ids", counting)
    bodies = ["Warmtepompen in de wijk", "Isolatie van het dak", "Warmtepompen in de wijk"] * 4
    texts = pl.DataFrame({"at": [datetime(2026, 1 + i % 6, 1, tzinfo=UTC)
                                 for i in range(len(bodies))], "text": bodies},
                         schema={"at": pl.Datetime("us", "UTC"), "text": pl.String()})
    data = NetworkData(log=pl.DataFrame(schema=LOG_SCHEMA), texts=texts,
                       charter=Charter(purpose="Warmtepompen", focus_tags=("isolatie",)))
    result = topic_drift(data)
    assert result["languages"] == {"nl": 12, "en": 0}
    assert {text for text, n in seen.items() if n > 1} == set()
    assert set(bodies) <= set(seen)


def test_folding_and_tfidf_are_written_once_in_the_core():
    """Accent folding and TF-IDF live in core/text; every other module uses them."""
    patterns = {"accent folding": re.compile(r"unicodedata\.(normalize\(\"NFKD\"|combining)"),
                "TF-IDF": re.compile(r"TfidfVectorizer|idf = np\.log|np\.log\(idf")}
    home = SRC / "core" / "text"
    for path in sorted((SRC / "core").rglob("*.py")):
        if path.parent == home:
            continue
        source = path.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            assert not pattern.search(source), f"{what} written again in {path}"
