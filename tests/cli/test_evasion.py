"""Our evasion suite (tests/data/evasion) through `corpus scan`, both directions.

Each case of the kinds below must come out right: a must-match case is hit by
its keyword, a near miss by no keyword. (On the code before issue 21, 21 of the
73 must-match cases passed; before the accent and sentence-end rules, the 5
near_miss_accent and near_miss_sentence_end cases were hit; before the
matcher's look-alike renderings, the all_lookalike cases were missed.)
"""
import sys

import pytest

from conftest import BIN, SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR / "tests" / "data" / "evasion"))
import recall  # noqa: E402

HANDLED = [
    "control", "case_width_invisible", "gap_whitespace", "gap_punct", "spaced_letters",
    "spaced_next_to_one_letter_word", "combining_accents", "confusable_mixed_latin",
    "confusable_in_cyrillic", "confusable_upper", "digit_symbol", "han_separators",
    "inflection_en", "inflection_ru", "near_miss_en", "near_miss_zh", "near_miss_ru",
    "accented_keyword", "near_miss_accent", "near_miss_sentence_end",
    "all_lookalike", "near_miss_lookalike", "enclosed_letters", "stroked_letters", "marks_on_han",
    "other_script_lookalikes", "greek_in_cyrillic", "more_separators", "rtl_override",
    "near_miss_s20",
]


@pytest.fixture(scope="module")
def results():
    return recall.recall(BIN)


@pytest.mark.parametrize("kind", HANDLED)
def test_kind_fully_handled(results, kind):
    k = results[kind]
    cases = {c["id"]: c for c in recall.load_cases()}
    failed = [(i, cases[i]["text"], cases[i]["keyword"] or "no keyword") for i in k["failed"]]
    assert k["cases"] > 0 and not failed, failed


def test_every_kind_is_asserted(results):
    # A kind added to cases.jsonl must be added here too; the suite keeps near misses.
    assert set(HANDLED) == set(results)
    assert sum(1 for k in results if k.startswith("near_miss")) == 7
