"""Fitting the second opinion's classifier (`bot.second_opinion`), in a child process.

Why a child process: scikit-learn and SciPy hold about 75 MB once imported, and fitting peaks at
about 80 MB more, while answering needs only the fitted tables (vocabularies, IDF weights and the
model's coefficients: about 30 MB of arrays). The child, a fresh interpreter running `serve_fit`
(it does not re-run the caller's script, as multiprocessing's "spawn" would), imports
scikit-learn, fits, sends the tables back through a pipe and exits, taking that memory with it;
the bot itself never imports scikit-learn. Where no child can run, the fit runs in this process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["FittedTables", "fit_in_child", "fit_tables", "serve_fit"]


@dataclass(frozen=True)
class FittedTables:
    """A fitted linear model over two TF-IDF blocks: character n-grams, then words and pairs.

    `char_columns` and `word_columns` map an n-gram to its column (word columns come after the
    character ones); `weights` is features × classes, so a message's few columns are rows."""

    classes: tuple[str, ...]
    char_columns: dict[str, int]
    word_columns: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray


def fit_tables(
    texts: Sequence[str],
    labels: Sequence[str],
    char_sizes: tuple[int, int],
    token_pattern: str,
) -> FittedTables:
    """Fit TF-IDF (sublinear term frequency, L2 rows) and a linear SVM on normalised texts.
    Raises ValueError when no character n-gram occurs twice (a toy knowledge base)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=char_sizes, sublinear_tf=True, min_df=2
    )
    words = TfidfVectorizer(token_pattern=token_pattern, ngram_range=(1, 2), sublinear_tf=True)
    features = FeatureUnion([("chars", chars), ("words", words)])
    model = LinearSVC(C=1.0, random_state=0).fit(features.fit_transform(texts), labels)
    offset = len(chars.vocabulary_)
    return FittedTables(
        classes=tuple(str(c) for c in model.classes_),
        char_columns={gram: int(column) for gram, column in chars.vocabulary_.items()},
        word_columns={gram: offset + int(column) for gram, column in words.vocabulary_.items()},
        idf=np.concatenate([chars.idf_, words.idf_]),
        weights=np.ascontiguousarray(model.coef_.T),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
    )


def fit_in_child(
    texts: Sequence[str],
    labels: Sequence[str],
    char_sizes: tuple[int, int],
    token_pattern: str,
) -> FittedTables:
    """`fit_tables` in a child process; in this one if the child cannot run or fails."""
    arguments = (list(texts), list(labels), char_sizes, token_pattern)
    # The child must import this package wherever the caller found it.
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    try:
        child = subprocess.run(
            [sys.executable, "-c", f"from {__name__} import serve_fit; serve_fit()"],
            input=pickle.dumps(arguments),
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONPATH": path},
        )
        tables = pickle.loads(child.stdout)  # our own child's output
    except (OSError, subprocess.CalledProcessError, pickle.UnpicklingError, EOFError):
        return fit_tables(*arguments)
    if not isinstance(tables, FittedTables):
        return fit_tables(*arguments)
    return tables


def serve_fit() -> None:
    """The child's side: arguments in on stdin, fitted tables out on stdout, both pickled."""
    arguments = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(fit_tables(*arguments)))
