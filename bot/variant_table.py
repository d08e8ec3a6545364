"""Which question variant of each document is closest to a question, in a few array operations.

The closest variant is a cosine: the summed weights of the terms a variant shares with the
question, over the variant's own norm. Done in Python, term by term and variant by variant, it
was half of a long message's matching time; here the shared weights of every variant are one
`numpy.bincount` over the variants that hold the question's terms, and each document's best one
is a `numpy.maximum.reduceat` over its run of variants (a document's variants are numbered one
after the other).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["VariantTable"]


@dataclass(frozen=True)
class VariantTable:
    """Variant ids by term, each variant's inverse norm, and where each document's variants
    start."""

    by_term: Mapping[str, np.ndarray]
    inverse_norm: np.ndarray
    starts: np.ndarray
    owners: np.ndarray
    documents: int

    @classmethod
    def build(
        cls,
        variant_terms: Sequence[frozenset[str]],
        idf: Mapping[str, float],
        first_variant: Sequence[int],
    ) -> VariantTable:
        """`variant_terms[v]` are variant v's terms; document d's variants are those from
        `first_variant[d]` up to the next document's first."""
        holders: dict[str, list[int]] = defaultdict(list)
        for variant, terms in enumerate(variant_terms):
            for term in terms:
                holders[term].append(variant)
        inverse_norm = np.array(
            [1 / math.sqrt(sum(idf[t] for t in terms)) for terms in variant_terms],
            dtype=np.float64,
        )
        ends = [*first_variant[1:], len(variant_terms)]
        spans = zip(first_variant, ends, strict=True)
        with_variants = [doc for doc, (start, end) in enumerate(spans) if end > start]
        return cls(
            {term: np.array(ids, dtype=np.intp) for term, ids in holders.items()},
            inverse_norm,
            np.array([first_variant[d] for d in with_variants], dtype=np.intp),
            np.array(with_variants, dtype=np.intp),
            len(first_variant),
        )

    def best_by_document(
        self, weights: Mapping[str, float], skip: int | None = None
    ) -> np.ndarray:
        """For each document, its best variant's shared weight times that variant's inverse
        norm (0 where no variant shares a term); variant `skip` counts for nothing
        (leave-one-out)."""
        best = np.zeros(self.documents)
        held = [(self.by_term[t], w) for t, w in weights.items() if t in self.by_term]
        if not held or not len(self.starts):
            return best
        ids = np.concatenate([ids for ids, _ in held])
        shared = np.repeat([w for _, w in held], [len(ids) for ids, _ in held])
        scores = np.bincount(ids, weights=shared, minlength=len(self.inverse_norm))
        scores *= self.inverse_norm
        if skip is not None:
            scores[skip] = 0.0
        best[self.owners] = np.maximum.reduceat(scores, self.starts)
        return best
