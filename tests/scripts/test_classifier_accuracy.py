"""bench/judge/classifier_accuracy.py's --oracle-offsets ceiling: a rare class that the most probable
label never picks is found by an offset on its log-odds, and the ceiling is never below the figures of
the plain decision."""
import importlib.util
import os

ROOT = os.environ.get("SAFEGATE_SOURCE_DIR",
                      os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


def load():
    spec = importlib.util.spec_from_file_location(
        "classifier_accuracy", os.path.join(ROOT, "bench", "judge", "classifier_accuracy.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_oracle_offsets_find_the_rare_class_that_the_argmax_misses():
    ca = load()
    classes = ("0", "1", "2")
    # Class 0 (rare) always scores below class 1, but higher on its own items than on the others.
    truth = ["0"] * 2 + ["1"] * 6 + ["2"] * 2
    probs = ([{"0": 0.4, "1": 0.6, "2": 0.05}] * 2 + [{"0": 0.1, "1": 0.8, "2": 0.05}] * 6
             + [{"0": 0.05, "1": 0.2, "2": 0.8}] * 2)
    pred = [max(classes, key=lambda c: p[c]) for p in probs]
    per, weighted, _, _ = ca.summary(truth, pred, probs, classes)
    assert per["0"]["f1"] == 0.0 and weighted["f1"] < 0.9
    best_w, best_0 = ca.oracle_offsets(truth, probs, classes)
    assert best_0 == 1.0 and best_w == 1.0
    # Two classes: one free offset.
    best_w, best_0 = ca.oracle_offsets(["0", "1", "1"], [{"0": 0.3, "1": 0.7}, {"0": 0.1, "1": 0.9}] * 1
                                       + [{"0": 0.1, "1": 0.9}], ("0", "1"))
    assert best_0 == 1.0 and best_w == 1.0
