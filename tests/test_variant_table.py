"""The array form of "each document's closest variant" gives what the plain loop gives."""

from __future__ import annotations

import math
import random

import pytest

from bot.variant_table import VariantTable

# Three documents: the first with two variants, the second with none, the third with three.
VARIANTS = [
    frozenset({"permis", "construire"}),
    frozenset({"permis", "delai"}),
    frozenset({"aide", "logement"}),
    frozenset({"aide", "montant", "logement"}),
    frozenset({"montant"}),
]
FIRST_VARIANT = [0, 2, 2]
IDF = {
    "permis": 1.0,
    "construire": 2.0,
    "delai": 2.5,
    "aide": 1.2,
    "logement": 1.5,
    "montant": 3.0,
}


def plain_best(weights: dict[str, float], skip: int | None = None) -> list[float]:
    """The loop the table replaces, written the obvious way."""
    ends = [*FIRST_VARIANT[1:], len(VARIANTS)]
    best = []
    for start, end in zip(FIRST_VARIANT, ends, strict=True):
        values = [
            sum(w for t, w in weights.items() if t in VARIANTS[v])
            / math.sqrt(sum(IDF[t] for t in VARIANTS[v]))
            for v in range(start, end)
            if v != skip
        ]
        best.append(max(values, default=0.0))
    return best


@pytest.fixture
def table() -> VariantTable:
    return VariantTable.build(VARIANTS, IDF, FIRST_VARIANT)


def test_each_document_gets_its_closest_variant(table: VariantTable) -> None:
    weights = {"permis": 1.0, "delai": 2.5, "montant": 0.5}
    assert list(table.best_by_document(weights)) == pytest.approx(plain_best(weights))
    # The document without variants scores nothing, and the first prefers its "delai" variant.
    assert table.best_by_document(weights)[1] == 0.0
    assert table.best_by_document(weights)[0] == pytest.approx(3.5 / math.sqrt(3.5))


def test_a_left_out_variant_counts_for_nothing(table: VariantTable) -> None:
    weights = {"aide": 1.2, "montant": 3.0}
    with_all = table.best_by_document(weights)
    without = table.best_by_document(weights, skip=3)
    assert list(without) == pytest.approx(plain_best(weights, skip=3))
    assert without[2] < with_all[2]


def test_words_no_variant_holds_score_nothing(table: VariantTable) -> None:
    assert list(table.best_by_document({"inconnu": 2.0})) == [0.0, 0.0, 0.0]
    assert list(table.best_by_document({})) == [0.0, 0.0, 0.0]


def test_random_questions_agree_with_the_plain_loop(table: VariantTable) -> None:
    rng = random.Random(11)
    for _ in range(200):
        terms = rng.sample([*sorted(IDF), "inconnu"], rng.randint(1, 4))
        weights = {t: rng.uniform(0.1, 3.0) for t in terms}
        skip = rng.choice([None, 0, 1, 2, 3, 4])
        assert list(table.best_by_document(weights, skip)) == pytest.approx(
            plain_best(weights, skip)
        )
