"""The benchmark metric on cases small enough to count by hand."""
from __future__ import annotations

import pytest

from tests.quality.metric import page_score, score, shingle_scores, shingles, tokens


def test_tokens_are_unicode_words() -> None:
    assert tokens("L'été, 2020 — naïve_text!") == ["L", "été", "2020", "naïve_text"]


def test_shingles_are_a_multiset_of_four_token_runs() -> None:
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_a_text_shorter_than_four_tokens_is_one_short_shingle() -> None:
    assert shingles("just two") == {("just", "two"): 1}
    assert shingles("  ...  ") == {}


def test_page_counts_are_normalised_to_sum_to_one() -> None:
    # truth: a b c d e -> {abcd, bcde}; predicted: a b c d x -> {abcd, bcdx}
    page = page_score("a b c d e", "a b c d x")
    assert (page.tp, page.fp, page.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert page.precision == pytest.approx(0.5)
    assert page.recall == pytest.approx(0.5)


def test_repeated_shingles_count_by_the_minimum() -> None:
    # truth has abcd twice (a b c d a b c d has 5 shingles), prediction once (1 shingle).
    page = page_score("a b c d a b c d", "a b c d")
    assert (page.tp, page.fp, page.fn) == pytest.approx((1 / 5, 0, 4 / 5))
    assert page.precision == 1.0
    assert page.recall == pytest.approx(0.2)


def test_f1_is_of_the_mean_precision_and_recall_not_a_mean_of_f1() -> None:
    result = score([("a b c d e", "a b c d e"), ("a b c d e", "a b c d x")])
    assert result.precision == pytest.approx((1 + 0.5) / 2)
    assert result.recall == pytest.approx((1 + 0.5) / 2)
    assert result.f1 == pytest.approx(0.75)
    lopsided = score([("a b c d e f g", "a b c d"), ("a b c d", "a b c d e f g")])
    # page 1: P 1, R 1/4; page 2: P 1/4, R 1 -> means 5/8 each, F1 5/8 (a mean of F1s would be 0.4)
    assert lopsided.f1 == pytest.approx(0.625)


def test_empty_prediction_counts_zero_precision_only_where_defined() -> None:
    result = score([("a b c d e", ""), ("a b c d e", "a b c d e")])
    assert result.recall == pytest.approx(0.5)  # page 1 recall 0
    assert result.precision == pytest.approx(1.0)  # page 1 has no prediction: no precision


def test_two_empty_texts_score_one() -> None:
    page = page_score("", "")
    assert page.precision == 1.0 and page.recall == 1.0


def test_shingle_scores_of_one_page() -> None:
    assert shingle_scores("a b c d e", "a b c d x") == pytest.approx((0.5, 0.5))
    assert shingle_scores("a b c d e", "") == (0.0, 0.0)
