"""TF-IDF: the one formula by which topic drift, the overlap finder and the matcher weigh
terms (scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``, written once here).

- *tf*: ``1 + ln(count)`` of a term in a document (sublinear);
- *idf*: smoothed, ``ln((1 + N) / (1 + df)) + 1`` over ``N`` documents of which ``df`` hold
  the term; a document of weight ``w`` counts ``w`` times in both (the same space as fitting
  ``w`` copies of it);
- each row is L2-normalised (a row without terms stays zero).

The vocabulary of :func:`vectorise` is sorted, as scikit-learn has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["counts", "idf", "tfidf", "vectorise"]


def counts(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sparse.csr_matrix:
    """How often each term (column) occurs in each document (row), from one
    ``(rows[i], cols[i])`` pair per occurrence; indices sorted within each row."""
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                               shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return matrix


def idf(df: np.ndarray | float, n_documents: float) -> np.ndarray:
    """Smoothed idf ``ln((1 + N) / (1 + df)) + 1`` of terms held by ``df`` of ``N`` documents."""
    out = np.full_like(np.asarray(df, dtype=np.float64), n_documents + 1.0)
    out /= np.asarray(df, dtype=np.float64) + 1.0
    np.log(out, out=out)
    out += 1.0
    return out


def tfidf(matrix: sparse.csr_matrix,
          weights: np.ndarray | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The TF-IDF rows of a count matrix (changed in place) and the idf of every column.

    ``weights``: how many documents each row stands for (default one each).
    """
    n_rows, n_cols = matrix.shape
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    df: np.ndarray
    if weights is None:
        df = np.bincount(matrix.indices, minlength=n_cols).astype(np.float64)
        n_documents = float(n_rows)
    else:
        df = np.bincount(matrix.indices, weights=np.repeat(weights, np.diff(matrix.indptr)),
                         minlength=n_cols)
        n_documents = float(np.sum(weights))
    weight = idf(df, n_documents)
    matrix.data *= weight[matrix.indices]
    if not matrix.nnz:  # nothing to normalise (scikit-learn refuses an empty matrix)
        return matrix, weight
    from sklearn.preprocessing import normalize  # scikit-learn costs ~1 s to import: on use

    return normalize(matrix, norm="l2", copy=False), weight


def _terms(document: Sequence[str]) -> Sequence[str]:
    return document


def vectorise(documents: Iterable[Any], *,
              ngrams: tuple[int, int] | None = None) -> sparse.csr_matrix:
    """TF-IDF rows of documents (at least one term in all) over their sorted vocabulary.

    A document is the sequence of its terms; with ``ngrams=(low, high)`` it is a string whose
    terms are its lower-cased character n-grams inside word boundaries, each word padded with
    a space either side (scikit-learn's ``char_wb``). Terms are counted by scikit-learn's
    ``CountVectorizer``.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    if ngrams is None:
        counter = CountVectorizer(analyzer=_terms, dtype=np.float64)
    else:
        counter = CountVectorizer(analyzer="char_wb", ngram_range=ngrams, dtype=np.float64)
    return tfidf(counter.fit_transform(documents))[0]
