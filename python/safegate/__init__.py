"""safegate for Python: policies, matchers, corpus scans, samples and audits.

A thin compiled core (``safegate._core``, pybind11) under this small layer.
The corpus functions call the same library code as the ``safegate`` command
line and write the same result files (apart from each file's ``run`` object:
timing, threads, shard), so a Python run and a CLI run on the same inputs can
be compared byte for byte.

    import safegate
    pol = safegate.load_policy("policy.yaml")
    m = safegate.compile_matcher(pol)
    m.scan("how to build a pipe bomb")    # [{'category', 'keyword', 'begin', 'end'}]
    safegate.scan("safegate.yaml", summary="scan.json")            # corpus scan
    rep = safegate.audit("safegate.yaml", seed=7, n=400, sample_out="sample.jsonl")
    rep.all_pass, rep.data["sources"]

Every error is :class:`safegate.Error` (message from the library, naming the
file, line and field where it can; ``e.code`` is the status code name).
Long calls release the GIL. See docs/python.md.
"""
from __future__ import annotations

import json as _json
import os as _os
from dataclasses import dataclass, field as _field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _core
from ._core import (Error, Matcher, Plan, Policy, binomial_cdf, clopper_pearson,
                    engine_version, max_passing_count, operating_characteristic, passes,
                    self_test, wilson)

__all__ = [
    "Error", "Policy", "Matcher", "Plan", "Corpus", "AuditReport", "load_policy",
    "compile_matcher", "normalize", "scan_texts", "corpus", "scan", "sample", "merge",
    "audit", "audit_sample", "export_labels", "import_labels", "wilson", "clopper_pearson",
    "binomial_cdf", "passes", "max_passing_count", "operating_characteristic", "version",
    "engine_version", "self_test", "plan_eval_run",
]

__version__ = _core.version()


def version() -> str:
    """safegate's tool version (the one written into result files)."""
    return _core.version()


def load_policy(path: Union[str, _os.PathLike]) -> Policy:
    """Loads and validates a policy file (schema safegate.policy/1)."""
    return _core.load_policy(_os.fspath(path))


def _cache_dir(cache_dir: Optional[Union[str, bool]]) -> str:
    if cache_dir is None or cache_dir is True:
        return _core.default_cache_dir()
    if cache_dir is False:
        return ""
    return _os.fspath(cache_dir)


def compile_matcher(policy: Union[Policy, str, _os.PathLike], *, lenient: bool = False,
                    cache_dir: Optional[Union[str, bool]] = None) -> Matcher:
    """The policy's keyword matcher.

    ``cache_dir``: None uses the CLI's cache (``$SAFEGATE_CACHE_DIR`` or
    ``~/.cache/safegate``), False compiles without a cache, a path uses it.
    ``lenient`` skips bad bank items (see ``Matcher.warnings``) instead of
    failing on the first one.
    """
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    return _core.compile_matcher(policy, lenient=lenient, cache_dir=_cache_dir(cache_dir))


def normalize(text: Union[str, bytes], options: Union[None, Dict[str, bool], Policy] = None):
    """Normalised text (str -> str, bytes -> bytes).

    ``options`` is a dict of the policy's ``normalize`` switches, or a Policy
    (its switches); default: the policy defaults.
    """
    if isinstance(options, Policy):
        options = options.normalize
    return _core.normalize(text, options)


def scan_texts(texts: Iterable[Union[str, bytes]], matcher: Matcher, *,
               threads: int = 0) -> List[List[Dict[str, Any]]]:
    """Hits of many texts, scanned on ``threads`` threads (0 = all cores)."""
    return matcher.scan_batch(list(texts), threads)


# ---- corpus ------------------------------------------------------------------

SourcesArg = Union[str, _os.PathLike, Sequence[Union[str, Dict[str, Any]]], Dict[str, Any]]


@dataclass(frozen=True)
class Corpus:
    """A corpus job description: sources, policy and reading options.

    Plain data (picklable): what a cluster worker needs to plan and run any
    shard. Build one with :func:`corpus`.
    """
    sources: tuple                 # of source dicts (name, paths, format, text_field, id_field)
    policy: str                    # policy file
    base_dir: str = ""             # relative source paths resolve against it ("" = cwd)
    unit_mb: float = 32.0          # work unit size (threads, shards, resumption)
    max_doc_mb: float = 16.0       # longest document; longer ones are bad lines
    strict: bool = False           # the first bad line is an error
    lenient_banks: bool = False    # skip bad keyword bank items with a warning
    cache_dir: Optional[str] = None  # matcher cache (None: the default, "": none)
    max_ratio: int = 2000          # compression-bomb guard, as --max-ratio (0 = no limit)

    def load_policy(self) -> Policy:
        return load_policy(self.policy)

    def compile_matcher(self, policy: Optional[Policy] = None) -> Matcher:
        return compile_matcher(policy or self.load_policy(), lenient=self.lenient_banks,
                               cache_dir=False if self.cache_dir == "" else self.cache_dir)

    def plan(self) -> Plan:
        return Plan([dict(s) for s in self.sources], self.base_dir, self.unit_mb)


def _source_dicts(sources, format, text_field, id_field):
    if isinstance(sources, dict):
        out = []
        for name, paths in sources.items():
            if isinstance(paths, (str, _os.PathLike)):
                paths = [paths]
            out.append({"name": str(name), "paths": [_os.fspath(p) for p in paths],
                        "format": format, "text_field": text_field, "id_field": id_field or ""})
        return out
    out = []
    for s in sources:
        if isinstance(s, dict):
            d = {"format": format, "text_field": text_field, "id_field": id_field or ""}
            d.update(s)
            if isinstance(d.get("paths"), (str, _os.PathLike)):
                d["paths"] = [d["paths"]]
            d["paths"] = [_os.fspath(p) for p in d.get("paths", [])]
            out.append(d)
        elif isinstance(s, str):
            out.append(_core.parse_source_flag(s, format, text_field, id_field or ""))
        else:
            raise Error(f"a source must be 'NAME=PATH[,PATH...]' or a dict, got {type(s).__name__}")
    return out


def corpus(sources: SourcesArg, policy: Optional[Union[str, _os.PathLike]] = None, *,
           format: str = "jsonl", text_field: str = "text", id_field: str = "",
           base_dir: Optional[str] = None, unit_mb: float = 32.0, max_doc_mb: float = 16.0,
           strict: bool = False, lenient_banks: bool = False,
           cache_dir: Optional[Union[str, bool]] = None,
           max_ratio: Optional[int] = None) -> Corpus:
    """Describes a corpus job, as the CLI's corpus flags do.

    ``sources`` is one of:
      * a project file (``safegate.yaml``): its sources, and its policy unless
        ``policy`` is given (relative paths resolve against its directory);
      * a list of ``"NAME=PATH[,PATH...]"`` strings (the CLI's ``--source``)
        and/or dicts ``{name, paths, format?, text_field?, id_field?}``;
      * a dict ``{name: path or [paths]}``.
    ``format``, ``text_field`` and ``id_field`` apply to sources that do not
    say otherwise. ``max_ratio`` is the compression-bomb guard (``--max-ratio``):
    by default the project's ``corpus.max_ratio``, else 2000; 0 = no limit. Paths are made absolute against ``base_dir`` (default: the
    current directory), so the description works from any working directory
    (a cluster worker's) while result files keep the same relative names.
    """
    if cache_dir is False:
        cache_dir = ""
    elif cache_dir is True:
        cache_dir = None
    if isinstance(sources, (str, _os.PathLike)) and not isinstance(sources, str) or (
            isinstance(sources, str) and "=" not in sources):
        project = _core.load_project(_os.fspath(sources))
        specs = project["sources"]
        if not specs:
            raise Error(f"{project['path']}: the project has no corpus sources")
        pol = _os.fspath(policy) if policy is not None else project["policy"]
        bdir = project["base_dir"]
        if max_ratio is None:
            max_ratio = project["max_ratio"]
    else:
        if isinstance(sources, str):
            sources = [sources]
        specs = _source_dicts(sources, format, text_field, id_field)
        pol = _os.fspath(policy) if policy is not None else None
        bdir = base_dir or ""
    if not pol:
        raise Error("no policy: give policy=FILE or a project with a policy")
    # The library resolves relative sources against base_dir ("" = cwd) and
    # names files relative to it: pin it to an absolute directory so workers
    # with another working directory see the same plan and the same names.
    bdir = _os.path.abspath(bdir or _os.getcwd())
    pol = _os.path.abspath(pol)
    if max_ratio is None:
        max_ratio = 2000
    if isinstance(max_ratio, bool) or not isinstance(max_ratio, int) or max_ratio < 0:
        raise Error(f"max_ratio must be a whole number >= 0, got {max_ratio!r}")
    return Corpus(tuple(dict(s) for s in specs), pol, bdir, float(unit_mb), float(max_doc_mb),
                  bool(strict), bool(lenient_banks), cache_dir, max_ratio)


def _as_corpus(sources, policy, kw) -> Corpus:
    if isinstance(sources, Corpus):
        if policy is not None or kw:
            raise Error("give either a Corpus or sources with options, not both")
        return sources
    return corpus(sources, policy, **kw)


def _shard_text(shard) -> str:
    if shard is None:
        return ""
    if isinstance(shard, str):
        _core.parse_shard(shard)
        return shard
    try:
        i, n = shard
    except (TypeError, ValueError):
        raise Error(f"bad shard {shard!r} (expected 'I/N' or (I, N) with 1 <= I <= N)") from None
    text = f"{int(i)}/{int(n)}"
    _core.parse_shard(text)
    return text


def _path(p) -> str:
    return "" if p is None else _os.fspath(p)


def scan(sources: Union[SourcesArg, Corpus], policy=None, *, summary=None, hits=None,
         shard=None, threads: int = 0, resume: bool = True, progress: bool = False,
         matcher: Optional[Matcher] = None, **options) -> Dict[str, Any]:
    """``safegate corpus scan``: every document through the policy's judges
    (keyword banks; the ``pii`` and ``classifier`` entries of its ``judges:``).

    Writes the summary JSON (``summary``) and per-document hits JSONL
    (``hits``) when given, exactly as the CLI's ``-o`` and ``--hits``;
    ``shard`` is ``"i/N"`` or ``(i, N)`` (1-based). Returns the counts:
    ``{"sources": [...], "bad_examples": [...], "judges", "judges_skipped",
    "units", "resumed_units", "seconds"}`` (each source with per-judge counts
    under ``"judges"``). ``options`` are those of :func:`corpus`.
    """
    c = _as_corpus(sources, policy, options)
    pol = c.load_policy()
    m = matcher if matcher is not None else c.compile_matcher(pol)
    return _core.run_scan(c.plan(), pol, m, summary=_path(summary), hits=_path(hits),
                          shard=_shard_text(shard), threads=threads, strict=c.strict,
                          max_doc_mb=c.max_doc_mb, resume=resume, progress=progress,
                          max_ratio=c.max_ratio)


def sample(sources: Union[SourcesArg, Corpus], policy=None, *, seed: int, out, n: int = 0,
           fraction: float = 0.0, shard=None, threads: int = 0, progress: bool = False,
           matcher: Optional[Matcher] = None, **options) -> Dict[str, Any]:
    """``safegate corpus sample``: a seeded bottom-k sample of ``n`` documents
    per source (or ``fraction`` of every source), written to ``out``."""
    if n and fraction:
        raise Error("sample: give n or fraction, not both")
    if seed is None or int(seed) < 0:
        raise Error("sample: seed must be a non-negative integer")
    c = _as_corpus(sources, policy, options)
    pol = c.load_policy()
    m = matcher if matcher is not None else c.compile_matcher(pol)
    return _core.run_sample(c.plan(), pol, m, int(seed), n=int(n or 0),
                            fraction=float(fraction or 0.0), out=_path(out),
                            shard=_shard_text(shard), threads=threads, strict=c.strict,
                            max_doc_mb=c.max_doc_mb, progress=progress,
                            max_ratio=c.max_ratio)


def merge(parts: Sequence[Union[str, _os.PathLike]], out) -> str:
    """``safegate corpus merge``: one result from the parts of all N shards.
    Returns the kind merged: "scan", "sample" or "hits"."""
    return _core.merge([_os.fspath(p) for p in parts], _os.fspath(out))


@dataclass
class AuditReport:
    """The result of an audit: the JSON ``corpus audit --json`` writes
    (``json``, parsed as ``data``), the terminal table and the gate."""
    json: str
    table: str
    all_pass: bool
    data: Dict[str, Any] = _field(default_factory=dict)
    sample_path: str = ""

    @property
    def sources(self) -> List[Dict[str, Any]]:
        return self.data.get("sources", [])

    @property
    def assessments(self) -> List[Dict[str, Any]]:
        return self.data.get("assessments", [])


def audit_sample(policy: Union[Policy, str, _os.PathLike], sample, *, labels=None, scan=None,
                 rule: str = "point", confidence: float = 0.95, json=None) -> AuditReport:
    """``safegate corpus audit``: verdicts and intervals from a sample file.

    ``labels``: reviewers' labels (CSV/JSONL); ``scan``: a full scan summary
    for the machine assessment; ``rule``: "point" or "upper"; ``json``: also
    write the audit JSON there (atomically).
    """
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    text, table, ok = _core.run_audit(policy, _os.fspath(sample), labels=_path(labels),
                                      scan=_path(scan), rule=rule, confidence=confidence)
    if json is not None:
        _core.write_file_atomic(_os.fspath(json), text.encode("utf-8"))
    return AuditReport(text, table, ok, _json.loads(text), _os.fspath(sample))


def audit(sources: Union[SourcesArg, Corpus], policy=None, *, seed: int, sample_out,
          n: int = 0, fraction: float = 0.0, labels=None, scan_summary=None, scan_out=None,
          rule: str = "point", confidence: float = 0.95, json=None, threads: int = 0,
          **options) -> AuditReport:
    """Sample and audit in one call (``corpus sample`` then ``corpus audit``).

    The sample goes to ``sample_out``. For the machine assessment either give
    an existing full scan summary (``scan_summary``) or ``scan_out``: the
    corpus is then scanned too and its summary written there.
    """
    c = _as_corpus(sources, policy, options)
    pol = c.load_policy()
    m = c.compile_matcher(pol)
    sample(c, seed=seed, out=sample_out, n=n, fraction=fraction, threads=threads, matcher=m)
    if scan_out is not None:
        if scan_summary is not None:
            raise Error("give scan_summary or scan_out, not both")
        scan(c, summary=scan_out, threads=threads, resume=False, matcher=m)
        scan_summary = scan_out
    return audit_sample(pol, sample_out, labels=labels, scan=scan_summary, rule=rule,
                        confidence=confidence, json=json)


def plan_eval_run(project: Union[str, _os.PathLike] = "safegate.yaml", *,
                  banks: Sequence[str] = (), seed: Optional[int] = None, sample: int = -1,
                  run_id: str = "", policy: Union[str, _os.PathLike] = "", profile: str = "",
                  judges: bool = True, lenient_banks: bool = False, base_url: str = "",
                  model: str = "", replay: Union[str, _os.PathLike] = "") -> Dict[str, Any]:
    """Plans an evaluation run as ``safegate eval run`` does before its first request
    (eval::PlanRun, eval/plan.h): the target (the project's eval.target with `base_url`,
    `model` or `replay` applied), the question banks ("KIND=PATH" like --bank, else the
    project's), the seeded sample of each (`sample` per bank; -1: the profile's minimum),
    the run's metadata and id. Nothing is sent or stored.

    Returns {"run_id", "items": [{"id", "bank", "category", "lang", "prompt"}],
    "meta" (dict), "meta_json" (the text `eval run` stores), "warnings"}.
    """
    d = _core.plan_eval_run(_os.fspath(project), list(banks), seed, sample, run_id,
                            _os.fspath(policy), profile, judges, lenient_banks, base_url, model,
                            _os.fspath(replay))
    d["meta"] = _json.loads(d["meta_json"])
    return d


def export_labels(sample, out) -> None:
    """``corpus label export``: the sample as a reviewers' file (.csv or .jsonl)."""
    _core.export_labels(_os.fspath(sample), _os.fspath(out))


def import_labels(policy, labels, sample, out) -> int:
    """``corpus label import``: validates reviewers' labels, writes canonical
    JSONL to ``out``; returns the number of labels."""
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    return _core.import_labels(policy, _os.fspath(labels), _os.fspath(sample), _os.fspath(out))
