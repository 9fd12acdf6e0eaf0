// safegate._core: the compiled core of the Python module (pybind11).
//
// A thin layer over the libraries: policies, matchers, normalisation, corpus
// plans and the corpus jobs (corpusjobs/corpus_jobs.h), merging (corpusjobs/merge.h),
// audit verdicts (corpusjobs/verdict.h) and intervals (stats/interval.h). The
// pure-Python package (python/safegate/) gives it its friendlier surface.
//
// Contract:
//   * Every library error becomes safegate.Error (this module's Error) whose
//     message is the library's message and whose `code` attribute is the
//     status code name ("invalid argument", "not found", ...).
//   * Calls that read files, compile or scan release the GIL; objects passed
//     in are kept alive by the Python references of the call.
//   * Result files are written by the same library calls the CLI makes, so
//     they are identical to the CLI's on the same inputs (apart from "run").
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "safegate/base/file.h"
#include "safegate/base/progress.h"
#include "safegate/base/status.h"
#include "safegate/base/version.h"
#include "safegate/corpus/source.h"
#include "safegate/corpusjobs/corpus_jobs.h"
#include "safegate/corpusjobs/merge.h"
#include "safegate/corpusjobs/verdict.h"
#include "safegate/eval/plan.h"
#include "safegate/judge/factory.h"
#include "safegate/policy/policy.h"
#include "safegate/project/project.h"
#include "safegate/scan/matcher.h"
#include "safegate/stats/interval.h"
#include "safegate/text/normalize.h"

namespace py = pybind11;

namespace safegate::python {
namespace {

// A library Status on its way to Python.
struct StatusError : std::exception {
  Status status;
  explicit StatusError(Status s) : status(std::move(s)) {}
  const char* what() const noexcept override { return status.message().c_str(); }
};

PyObject* g_error = nullptr;  // safegate._core.Error

[[noreturn]] void Throw(const Status& s) {
  throw StatusError(s);
}
void Check(const Status& s) {
  if (!s.ok()) Throw(s);
}
template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Throw(r.status());
  return std::move(r).value();
}
[[noreturn]] void BadArgument(const std::string& message) {
  Throw(InvalidArgumentError(message));
}

// ---- text in and out --------------------------------------------------------

// The UTF-8 bytes of a str (strict: lone surrogates are an error) or bytes.
std::string TextBytes(const py::handle& obj, bool* is_str) {
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (!data) {
      PyErr_Clear();
      BadArgument("text is not encodable as UTF-8 (lone surrogate?)");
    }
    if (is_str) *is_str = true;
    return std::string(data, static_cast<size_t>(size));
  }
  if (PyBytes_Check(obj.ptr())) {
    if (is_str) *is_str = false;
    return std::string(PyBytes_AS_STRING(obj.ptr()),
                       static_cast<size_t>(PyBytes_GET_SIZE(obj.ptr())));
  }
  throw py::type_error("expected str or bytes, got " +
                       std::string(py::str(py::type::of(obj).attr("__name__"))));
}

std::string TypeName(const py::handle& obj) {
  return std::string(py::str(py::type::of(obj).attr("__name__")));
}

// Typed dict fields: a value of the wrong type is a safegate.Error naming
// `where` and the field (a bare cast would raise pybind11's RuntimeError).
std::string StrField(const py::handle& v, const std::string& where, const std::string& field) {
  if (!PyUnicode_Check(v.ptr())) {
    BadArgument(where + ": field '" + field + "' is not a string (got " + TypeName(v) + ")");
  }
  return TextBytes(v, nullptr);
}
bool BoolField(const py::handle& v, const std::string& where, const std::string& field) {
  if (!PyBool_Check(v.ptr())) {
    BadArgument(where + ": field '" + field + "' is not a bool (got " + TypeName(v) + ")");
  }
  return v.ptr() == Py_True;
}
py::dict DictArg(const py::handle& v, const std::string& what) {
  if (!PyDict_Check(v.ptr())) BadArgument(what + ": not a dict (got " + TypeName(v) + ")");
  return py::reinterpret_borrow<py::dict>(v);
}

// Code point index of each byte offset in `offsets` (sorted or not) of valid
// UTF-8 text (a str's encoding): the number of lead bytes before it.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view s) : s_(s) {
    bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
    if (!ascii) {
      prefix_.resize(s.size() + 1);
      uint64_t n = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        prefix_[i] = n;
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
      }
      prefix_[s.size()] = n;
    }
  }
  uint64_t operator()(uint64_t byte) const {
    if (prefix_.empty()) return byte;
    return prefix_[std::min<uint64_t>(byte, s_.size())];
  }

 private:
  std::string_view s_;
  std::vector<uint64_t> prefix_;
};

// ---- policies and matchers --------------------------------------------------

struct PyPolicy {
  std::shared_ptr<const policy::Policy> p;
};

struct PyMatcher {
  std::shared_ptr<const scan::Matcher> m;
  std::vector<std::string> warnings;
};

struct PyPlan {
  std::shared_ptr<const corpus::Plan> p;
};

text::NormalizeOptions OptionsFromDict(const py::dict& d) {
  text::NormalizeOptions o;
  for (auto item : d) {
    std::string k = py::str(item.first);
    if (!PyBool_Check(item.second.ptr())) {
      BadArgument("normalize option '" + k + "' is not a bool (got " + TypeName(item.second) + ")");
    }
    bool v = item.second.ptr() == Py_True;
    if (k == "strip_invisible") {
      o.strip_invisible = v;
    } else if (k == "nfkc") {
      o.nfkc = v;
    } else if (k == "fullwidth") {
      o.fullwidth = v;
    } else if (k == "casefold") {
      o.casefold = v;
    } else if (k == "confusables") {
      o.confusables = v;
    } else if (k == "t2s") {
      o.t2s = v;
    } else if (k == "strip_separators") {
      o.strip_separators = v;
    } else if (k == "strip_accents") {
      o.strip_accents = v;
    } else if (k == "digit_letters") {
      o.digit_letters = v;
    } else if (k == "word_gaps") {
      o.word_gaps = v;
    } else {
      BadArgument("normalize option '" + k +
                  "' is unknown (known: strip_invisible, nfkc, fullwidth, casefold, "
                  "confusables, t2s, strip_accents, strip_separators, digit_letters, "
                  "word_gaps)");
    }
  }
  return o;
}

py::dict OptionsToDict(const text::NormalizeOptions& o) {
  py::dict d;
  d["strip_invisible"] = o.strip_invisible;
  d["nfkc"] = o.nfkc;
  d["fullwidth"] = o.fullwidth;
  d["casefold"] = o.casefold;
  d["confusables"] = o.confusables;
  d["t2s"] = o.t2s;
  d["strip_accents"] = o.strip_accents;
  d["strip_separators"] = o.strip_separators;
  d["digit_letters"] = o.digit_letters;
  d["word_gaps"] = o.word_gaps;
  return d;
}

py::object Normalized(const std::string& out, bool is_str) {
  if (is_str) return py::str(out);  // valid UTF-8: the normaliser repairs
  return py::bytes(out);
}

py::list HitList(const scan::Matcher& m, const std::vector<scan::Hit>& hits,
                 const CodePointIndex* cp) {
  py::list out;
  for (const auto& h : hits) {
    const auto& p = m.patterns()[h.pattern];
    py::dict d;
    d["category"] = p.category;
    d["keyword"] = p.id;
    d["begin"] = cp ? (*cp)(h.begin) : h.begin;
    d["end"] = cp ? (*cp)(h.end) : h.end;
    out.append(std::move(d));
  }
  return out;
}

std::vector<scan::Pattern> PatternsFromList(const py::list& items) {
  std::vector<scan::Pattern> out;
  size_t i = 0;
  for (auto item : items) {
    ++i;
    std::string where = "pattern " + std::to_string(i);
    py::dict d = DictArg(item, where);
    scan::Pattern p;
    for (auto kv : d) {
      std::string k = py::str(kv.first);
      if (k == "id") {
        p.id = StrField(kv.second, where, k);
      } else if (k == "category") {
        p.category = StrField(kv.second, where, k);
      } else if (k == "language" || k == "lang") {
        p.language = StrField(kv.second, where, k);
      } else if (k == "text") {
        p.text = StrField(kv.second, where, k);
      } else if (k == "regex") {
        p.regex = BoolField(kv.second, where, k);
      } else if (k == "whole_word") {
        p.whole_word = BoolField(kv.second, where, k);
      } else {
        BadArgument(where + ": field '" + k +
                    "' is unknown (known: id, category, language, text, regex, whole_word)");
      }
    }
    if (p.id.empty()) BadArgument(where + ": field 'id' is missing or empty");
    if (p.text.empty()) BadArgument(where + ": field 'text' is missing or empty");
    p.origin = where;
    out.push_back(std::move(p));
  }
  return out;
}

// Scans texts[i] into hits[i] on `threads` threads (GIL released by caller).
Status ScanMany(const scan::Matcher& m, const std::vector<std::string>& texts, int threads,
                std::vector<std::vector<scan::Hit>>* hits) {
  hits->assign(texts.size(), {});
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), texts.size()));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<Status> errors(static_cast<size_t>(std::max(threads, 1)));
  auto run = [&](int t) {
    scan::Scratch scratch(m);
    for (;;) {
      size_t i = next.fetch_add(64);
      if (i >= texts.size() || failed.load()) return;
      size_t end = std::min(i + 64, texts.size());
      for (; i < end; ++i) {
        Status s = m.Scan(texts[i], &scratch, &(*hits)[i]);
        if (!s.ok()) {
          errors[static_cast<size_t>(t)] = s;
          failed = true;
          return;
        }
      }
    }
  };
  if (threads <= 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(run, t);
    for (auto& th : pool) th.join();
  }
  for (const auto& e : errors) {
    if (!e.ok()) return e;
  }
  return OkStatus();
}

// ---- corpus -----------------------------------------------------------------

corpus::SourceSpec SpecFromDict(const py::dict& d) {
  corpus::SourceSpec s;
  for (auto kv : d) {
    std::string k = py::str(kv.first);
    if (k == "name") {
      s.name = kv.second.cast<std::string>();
    } else if (k == "paths") {
      if (py::isinstance<py::str>(kv.second)) {
        s.paths = {kv.second.cast<std::string>()};
      } else {
        s.paths = kv.second.cast<std::vector<std::string>>();
      }
    } else if (k == "format") {
      s.format = Unwrap(corpus::ParseFormat(kv.second.cast<std::string>()));
    } else if (k == "text_field") {
      s.text_field = kv.second.cast<std::string>();
    } else if (k == "id_field") {
      s.id_field = kv.second.is_none() ? std::string() : kv.second.cast<std::string>();
    } else {
      BadArgument("source '" + s.name + "': field '" + k +
                  "' is unknown (known: name, paths, format, text_field, id_field)");
    }
  }
  return s;
}

py::dict SpecToDict(const corpus::SourceSpec& s) {
  py::dict d;
  d["name"] = s.name;
  d["paths"] = s.paths;
  d["format"] = std::string(corpus::FormatName(s.format));
  d["text_field"] = s.text_field;
  d["id_field"] = s.id_field;
  return d;
}

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

py::dict StatsToDict(const corpusjobs::SourceStats& s) {
  py::dict d;
  d["source"] = s.source;
  d["files"] = s.files;
  d["bytes"] = s.bytes;
  d["docs"] = s.docs;
  d["bad_lines"] = s.bad;
  d["flagged"] = s.flagged;
  d["categories"] = s.categories;
  d["keywords"] = s.keywords;
  d["judges"] = s.judges;
  return d;
}

py::list BadToList(const std::vector<corpusjobs::BadExample>& bad) {
  py::list out;
  for (const auto& b : bad) {
    py::dict d;
    d["source"] = b.source;
    d["file"] = b.file;
    d["line"] = b.line;
    d["reason"] = b.reason;
    out.append(std::move(d));
  }
  return out;
}

struct JobArgs {
  std::string shard;  // "i/N" (1-based) or "" for the whole corpus
  int threads = 0;
  bool strict = false;
  double max_doc_mb = 16;
  uint64_t max_ratio = 2000;  // corpus::ReaderOptions::max_ratio (0 = no limit)
};

corpusjobs::JobContext MakeContext(const PyPlan& plan, const PyPolicy& pol, const PyMatcher* m,
                                   const JobArgs& a) {
  if (a.threads < 0) BadArgument("threads must be >= 0 (0 = all cores)");
  // Also rejects NaN; 1e30 MiB would overflow the conversion to bytes.
  if (!(a.max_doc_mb > 0 && a.max_doc_mb <= 1048576))
    BadArgument("max_doc_mb must be > 0 and at most 1048576");
  corpusjobs::JobContext ctx;
  ctx.plan = plan.p.get();
  ctx.policy = pol.p.get();
  if (m) ctx.matcher = m->m;
  // The policy's judges, as the CLI runs them (corpusjobs/judges.h).
  ctx.judges = Unwrap(corpusjobs::LoadCorpusJudges(*pol.p));
  ctx.threads = a.threads;
  if (!a.shard.empty()) ctx.shard = Unwrap(corpus::ParseShard(a.shard));
  ctx.strict = a.strict;
  // As the CLI (its --max-doc-mb is a whole number of MiB).
  ctx.reader.max_doc_bytes = static_cast<uint64_t>(a.max_doc_mb * 1048576.0);
  ctx.reader.max_ratio = a.max_ratio;
  if (ctx.reader.max_doc_bytes == 0) ctx.reader.max_doc_bytes = 1;
  return ctx;
}

stats::VerdictRule ParseRule(const std::string& rule) {
  if (rule == "point") return stats::VerdictRule::kPointEstimate;
  if (rule == "upper" || rule == "upper-bound") return stats::VerdictRule::kUpperBound;
  BadArgument("rule '" + rule + "' is unknown (known: point, upper)");
}

stats::ThresholdTest MakeTest(double threshold, const std::string& rule, double confidence) {
  if (!(threshold >= 0 && threshold <= 1)) BadArgument("threshold must be in [0, 1]");
  if (!(confidence > 0 && confidence < 1)) BadArgument("confidence must be in (0, 1)");
  stats::ThresholdTest t;
  t.threshold = threshold;
  t.rule = ParseRule(rule);
  t.confidence = confidence;
  return t;
}

void CheckCounts(uint64_t k, uint64_t n, double confidence) {
  if (k > n)
    BadArgument("k (" + std::to_string(k) + ") must not exceed n (" + std::to_string(n) + ")");
  if (!(confidence > 0 && confidence < 1)) BadArgument("confidence must be in (0, 1)");
}

}  // namespace
}  // namespace safegate::python

PYBIND11_MODULE(_core, m) {
  using namespace safegate;
  using namespace safegate::python;
  m.doc() = "safegate compiled core (see the safegate package for the documented API)";

  g_error = PyErr_NewExceptionWithDoc(
      "safegate.Error",
      "Any error reported by safegate: bad input files, lines, fields, options, or an engine "
      "failure. str(e) is the library's message (naming file, line and field where it can); "
      "e.code is the status code name, e.g. 'invalid argument', 'not found', 'i/o error'.",
      PyExc_Exception, nullptr);
  m.add_object("Error", py::handle(g_error));
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object type = py::reinterpret_borrow<py::object>(g_error);
      py::object exc = type(e.status.message());
      exc.attr("code") = std::string(StatusCodeName(e.status.code()));
      PyErr_SetObject(g_error, exc.ptr());
    }
  });

  m.def(
      "version", [] { return std::string(ToolVersion()); }, "safegate's tool version.");
  m.def(
      "engine_version", [] { return scan::EngineVersion(); }, "The regex engine's version.");
  m.def(
      "self_test",
      [] {
        Status s;
        {
          py::gil_scoped_release nogil;
          s = scan::SelfTest();
        }
        Check(s);
      },
      "Checks the linked regex engine; raises Error when it misses matches.");

  // ---- policy ----
  py::class_<PyPolicy>(m, "Policy", "A loaded policy file (safegate.policy/1).")
      .def_property_readonly("id", [](const PyPolicy& p) { return p.p->id; })
      .def_property_readonly("version", [](const PyPolicy& p) { return p.p->version; })
      .def_property_readonly("path", [](const PyPolicy& p) { return p.p->path; })
      .def_property_readonly("profile_id", [](const PyPolicy& p) { return p.p->profile.id; })
      .def_property_readonly("profile_version",
                             [](const PyPolicy& p) { return p.p->profile.version; })
      .def_property_readonly("keyword_banks", [](const PyPolicy& p) { return p.p->keyword_banks; })
      .def_property_readonly("normalize",
                             [](const PyPolicy& p) { return OptionsToDict(p.p->normalize); })
      .def_property_readonly("categories",
                             [](const PyPolicy& p) {
                               py::list out;
                               for (const auto& c : p.p->taxonomy.categories()) {
                                 py::dict d;
                                 d["id"] = c.id;
                                 d["name"] = c.name;
                                 d["parent"] = c.parent;
                                 out.append(std::move(d));
                               }
                               return out;
                             })
      .def_property_readonly("requirements",
                             [](const PyPolicy& p) {
                               py::dict d;
                               for (const auto& [k, r] : p.p->profile.requirements)
                                 d[py::str(k)] = r.value;
                               return d;
                             })
      .def(
          "requirement",
          [](const PyPolicy& p, const std::string& key) { return Unwrap(p.p->profile.Value(key)); },
          py::arg("key"), "The profile's value for a requirement key; Error when unknown.")
      .def("__repr__", [](const PyPolicy& p) {
        return "<safegate.Policy " + p.p->id + " v" + p.p->version + " profile " + p.p->profile.id +
               ">";
      });
  m.def(
      "load_policy",
      [](const std::string& path) {
        Result<policy::Policy> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = policy::LoadPolicy(path);
        }
        return PyPolicy{std::make_shared<const policy::Policy>(Unwrap(std::move(r)))};
      },
      py::arg("path"), "Loads and validates a policy file.");

  // ---- matcher ----
  py::class_<PyMatcher>(m, "Matcher", "A compiled keyword matcher (immutable, thread-safe).")
      .def_property_readonly("warnings", [](const PyMatcher& x) { return x.warnings; })
      .def_property_readonly("normalize",
                             [](const PyMatcher& x) { return OptionsToDict(x.m->options()); })
      .def_property_readonly("patterns",
                             [](const PyMatcher& x) {
                               py::list out;
                               for (const auto& p : x.m->patterns()) {
                                 py::dict d;
                                 d["id"] = p.id;
                                 d["category"] = p.category;
                                 d["language"] = p.language;
                                 d["text"] = p.text;
                                 d["regex"] = p.regex;
                                 d["whole_word"] = p.whole_word;
                                 out.append(std::move(d));
                               }
                               return out;
                             })
      .def("__len__", [](const PyMatcher& x) { return x.m->patterns().size(); })
      .def(
          "normalize_text",
          [](const PyMatcher& x, const py::object& text) {
            bool is_str = false;
            std::string in = TextBytes(text, &is_str);
            std::string out;
            {
              py::gil_scoped_release nogil;
              out = x.m->normalizer().NormalizeToString(in);
            }
            return Normalized(out, is_str);
          },
          py::arg("text"), "The text normalised as the matcher normalises documents.")
      .def(
          "scan",
          [](const PyMatcher& x, const py::object& text) {
            bool is_str = false;
            std::string in = TextBytes(text, &is_str);
            std::vector<scan::Hit> hits;
            Status s;
            {
              py::gil_scoped_release nogil;
              scan::Scratch scratch(*x.m);
              s = x.m->Scan(in, &scratch, &hits);
            }
            Check(s);
            if (is_str && !hits.empty()) {
              CodePointIndex cp(in);
              return HitList(*x.m, hits, &cp);
            }
            return HitList(*x.m, hits, nullptr);
          },
          py::arg("text"),
          "Hits of one document: [{category, keyword, begin, end}], sorted by (begin, pattern). "
          "Spans index the str (code points) or the bytes given.")
      .def(
          "scan_batch",
          [](const PyMatcher& x, const py::iterable& texts, int threads) {
            std::vector<std::string> in;
            std::vector<bool> is_str;
            for (auto t : texts) {
              bool s = false;
              in.push_back(TextBytes(t, &s));
              is_str.push_back(s);
            }
            if (threads < 0) BadArgument("threads must be >= 0 (0 = all cores)");
            std::vector<std::vector<scan::Hit>> hits;
            Status s;
            {
              py::gil_scoped_release nogil;
              s = ScanMany(*x.m, in, threads, &hits);
            }
            Check(s);
            py::list out;
            for (size_t i = 0; i < in.size(); ++i) {
              if (is_str[i] && !hits[i].empty()) {
                CodePointIndex cp(in[i]);
                out.append(HitList(*x.m, hits[i], &cp));
              } else {
                out.append(HitList(*x.m, hits[i], nullptr));
              }
            }
            return out;
          },
          py::arg("texts"), py::arg("threads") = 0,
          "scan() of many documents on `threads` threads (0 = all cores), GIL released.")
      .def(
          "save",
          [](const PyMatcher& x, const std::string& path) {
            Status s;
            {
              py::gil_scoped_release nogil;
              s = x.m->Save(path);
            }
            Check(s);
          },
          py::arg("path"))
      .def_static(
          "load",
          [](const std::string& path) {
            Result<std::shared_ptr<const scan::Matcher>> r = InternalError("unset");
            {
              py::gil_scoped_release nogil;
              r = scan::Matcher::Load(path);
            }
            return PyMatcher{Unwrap(std::move(r)), {}};
          },
          py::arg("path"))
      .def_static(
          "from_patterns",
          [](const py::list& patterns, const py::object& normalize) {
            std::vector<scan::Pattern> ps = PatternsFromList(patterns);
            text::NormalizeOptions o;
            if (!normalize.is_none()) o = OptionsFromDict(DictArg(normalize, "normalize"));
            Result<std::shared_ptr<const scan::Matcher>> r = InternalError("unset");
            {
              py::gil_scoped_release nogil;
              r = scan::Matcher::Compile(std::move(ps), o);
            }
            return PyMatcher{Unwrap(std::move(r)), {}};
          },
          py::arg("patterns"), py::arg("normalize") = py::none(),
          "Compiles patterns [{id, category, text, language?, regex?, whole_word?}].")
      .def("__repr__", [](const PyMatcher& x) {
        return "<safegate.Matcher " + std::to_string(x.m->patterns().size()) + " patterns>";
      });
  m.def(
      "compile_matcher",
      [](const PyPolicy& p, bool lenient, const std::string& cache_dir) {
        policy::BankLoadOptions bo;
        bo.lenient = lenient;
        std::vector<std::string> warnings;
        Result<std::shared_ptr<const scan::Matcher>> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = policy::CompilePolicyMatcher(*p.p, bo, &warnings, cache_dir);
        }
        return PyMatcher{Unwrap(std::move(r)), std::move(warnings)};
      },
      py::arg("policy"), py::arg("lenient") = false, py::arg("cache_dir") = "",
      "Loads the policy's keyword banks and compiles (or loads from cache_dir) the matcher.");
  m.def("default_cache_dir", &policy::DefaultMatcherCacheDir);

  m.def(
      "normalize",
      [](const py::object& text, const py::object& options) {
        bool is_str = false;
        std::string in = TextBytes(text, &is_str);
        text::NormalizeOptions o;
        if (!options.is_none()) o = OptionsFromDict(DictArg(options, "options"));
        std::string out;
        {
          py::gil_scoped_release nogil;
          out = text::Normalizer(o).NormalizeToString(in);
        }
        return Normalized(out, is_str);
      },
      py::arg("text"), py::arg("options") = py::none(),
      "Normalises text (str -> str, bytes -> bytes) with the given switches (default: the "
      "policy defaults).");

  // ---- project and plan ----
  m.def(
      "load_project",
      [](const std::string& path) {
        project::Project pr = Unwrap(project::LoadProject(path));
        py::dict d;
        d["path"] = pr.path;
        d["base_dir"] = pr.base_dir;
        d["policy"] = pr.policy_path;
        d["max_ratio"] = pr.has_max_ratio ? py::object(py::int_(pr.max_ratio)) : py::none();
        py::list sources;
        for (const auto& s : pr.sources) sources.append(SpecToDict(s));
        d["sources"] = sources;
        return d;
      },
      py::arg("path"), "Reads a project file (safegate.project/1) into a dict.");
  m.def(
      "plan_eval_run",
      [](const std::string& project_path, const std::vector<std::string>& banks,
         std::optional<uint64_t> seed, int64_t sample, const std::string& run_id,
         const std::string& policy_path, const std::string& profile_name, bool judges,
         bool lenient_banks, const std::string& base_url, const std::string& model,
         const std::string& replay) {
        // As `safegate eval run` plans a new run (apps/cli/cmd_eval.cc, eval/plan.h).
        project::Project pr = Unwrap(project::LoadProject(project_path));
        eval::TargetOverrides o;
        o.base_url = base_url;
        o.model = model;
        o.replay = replay;
        std::vector<std::string> warnings;
        eval::RunPlan plan;
        {
          py::gil_scoped_release nogil;
          eval::TargetSpec target = Unwrap(eval::ResolveTarget(pr.eval, o));
          policy::Policy pol =
              Unwrap(policy::LoadPolicy(policy_path.empty() ? pr.policy_path : policy_path));
          eval::JudgeList jl;
          if (judges) {
            judge::JudgeOptions jo;
            jo.bank_options.lenient = lenient_banks;
            jo.cache_dir = policy::DefaultMatcherCacheDir();
            jo.warnings = &warnings;
            jo.refusal_convention = judge::RefusalConvention::kStrict;  // as `eval run`
            jl = Unwrap(judge::MakePolicyJudges(pol, jo));
          }
          // The profile: the argument, else the project's eval profile, else the policy's.
          const std::string name = !profile_name.empty() ? profile_name : pr.eval.profile;
          policy::Profile prof = name.empty() ? pol.profile : Unwrap(policy::LoadProfile(name));
          auto kinds = Unwrap(eval::ResolveBanks(banks, pr.eval, pr.banks));
          eval::RunPlanOptions po;
          po.seed = seed ? *seed : (pr.eval.has_seed ? pr.eval.seed : 1);
          po.sample = sample;
          po.lenient_banks = lenient_banks;
          po.run_id = run_id;
          plan = Unwrap(eval::PlanRun(pol, prof, target, jl, kinds, po, &warnings));
        }
        py::list items;
        for (const eval::EvalItem& it : plan.items) {
          py::dict d;
          d["id"] = it.id;
          d["bank"] = std::string(eval::BankKindName(it.bank));
          d["category"] = it.category;
          d["lang"] = it.lang;
          d["prompt"] = it.prompt;
          items.append(std::move(d));
        }
        py::dict d;
        d["run_id"] = plan.run_id;
        d["items"] = items;
        d["meta_json"] = plan.meta_json;
        d["warnings"] = warnings;
        return d;
      },
      py::arg("project"), py::arg("banks") = std::vector<std::string>{},
      py::arg("seed") = py::none(), py::arg("sample") = -1, py::arg("run_id") = "",
      py::arg("policy") = "", py::arg("profile") = "", py::arg("judges") = true,
      py::arg("lenient_banks") = false, py::arg("base_url") = "", py::arg("model") = "",
      py::arg("replay") = "",
      "eval::PlanRun: what `safegate eval run` decides before the first request (target, "
      "banks, the seeded sample, metadata, run id), as a dict {run_id, items, meta_json, "
      "warnings}. Nothing is sent or stored.");
  m.def(
      "parse_source_flag",
      [](const std::string& flag, const std::string& format, const std::string& text_field,
         const std::string& id_field) {
        corpus::Format f = Unwrap(corpus::ParseFormat(format));
        return SpecToDict(Unwrap(project::ParseSourceFlag(flag, f, text_field, id_field)));
      },
      py::arg("flag"), py::arg("format") = "jsonl", py::arg("text_field") = "text",
      py::arg("id_field") = "", "Parses NAME=PATH[,PATH...] as the CLI's --source does.");
  m.def(
      "parse_shard",
      [](const std::string& s) {
        corpus::Shard sh = Unwrap(corpus::ParseShard(s));
        return std::make_pair(sh.index, sh.count);
      },
      py::arg("shard"), "Parses 'i/N' (1-based) into (index, count), index 0-based.");

  py::class_<PyPlan>(m, "Plan", "The files and work units of a set of corpus sources.")
      .def(py::init([](const py::list& sources, const std::string& base_dir, double unit_mb) {
             std::vector<corpus::SourceSpec> specs;
             for (auto s : sources) specs.push_back(SpecFromDict(s.cast<py::dict>()));
             if (!(unit_mb > 0 && unit_mb <= 1048576))  // as --unit-mb; NaN too
               BadArgument("unit_mb must be > 0 and at most 1048576");
             corpus::PlanOptions po;  // as the CLI's --unit-mb
             po.unit_bytes = static_cast<uint64_t>(unit_mb * 1048576.0);
             if (po.unit_bytes < 4096) po.unit_bytes = 4096;
             Result<corpus::Plan> r = InternalError("unset");
             {
               py::gil_scoped_release nogil;
               r = corpus::Plan::Make(std::move(specs), base_dir, po);
             }
             return PyPlan{std::make_shared<const corpus::Plan>(Unwrap(std::move(r)))};
           }),
           py::arg("sources"), py::arg("base_dir") = "", py::arg("unit_mb") = 32.0)
      .def_property_readonly("fingerprint",
                             [](const PyPlan& p) { return Hex64(p.p->fingerprint()); })
      .def_property_readonly("units", [](const PyPlan& p) { return p.p->units().size(); })
      .def_property_readonly("total_bytes", [](const PyPlan& p) { return p.p->total_bytes(); })
      .def_property_readonly("sources",
                             [](const PyPlan& p) {
                               py::list out;
                               for (const auto& s : p.p->sources()) out.append(SpecToDict(s));
                               return out;
                             })
      .def_property_readonly("files",
                             [](const PyPlan& p) {
                               py::list out;
                               for (const auto& f : p.p->files()) {
                                 py::dict d;
                                 d["source"] = p.p->sources()[f.source].name;
                                 d["path"] = f.path;
                                 d["rel_path"] = f.rel_path;
                                 d["size"] = f.size;
                                 d["compression"] =
                                     f.compression == corpus::Compression::kNone   ? "none"
                                     : f.compression == corpus::Compression::kGzip ? "gzip"
                                                                                   : "zstd";
                                 out.append(std::move(d));
                               }
                               return out;
                             })
      .def(
          "units_of",
          [](const PyPlan& p, const std::string& shard) {
            return p.p->UnitsOf(Unwrap(corpus::ParseShard(shard)));
          },
          py::arg("shard"), "Unit indexes of shard 'i/N'.")
      .def("__repr__", [](const PyPlan& p) {
        return "<safegate.Plan " + std::to_string(p.p->files().size()) + " files, " +
               std::to_string(p.p->units().size()) + " units>";
      });

  // ---- corpus jobs ----
  m.def(
      "run_scan",
      [](const PyPlan& plan, const PyPolicy& pol, const PyMatcher& matcher,
         const std::string& summary, const std::string& hits, const std::string& shard, int threads,
         bool strict, double max_doc_mb, bool resume, bool progress, uint64_t max_ratio) {
        JobArgs a{shard, threads, strict, max_doc_mb, max_ratio};
        corpusjobs::JobContext ctx = MakeContext(plan, pol, &matcher, a);
        corpusjobs::ScanOptions so;
        so.summary_path = summary;
        so.hits_path = hits;
        so.resume = resume;
        if (const char* v = std::getenv("SAFEGATE_CHECKPOINT_SECONDS"))
          so.checkpoint_seconds = std::atof(v);
        Result<corpusjobs::ScanResult> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = RunWithProgressLine("scan", progress, ctx, [&](const corpusjobs::JobContext& c) {
            return corpusjobs::RunScan(c, so);
          });
        }
        corpusjobs::ScanResult res = Unwrap(std::move(r));
        py::dict d;
        py::list sources;
        for (const auto& s : res.sources) sources.append(StatsToDict(s));
        d["sources"] = sources;
        d["bad_examples"] = BadToList(res.bad_examples);
        d["judges"] = res.judges;
        d["judges_skipped"] = ctx.judges->skipped;
        d["units"] = res.units;
        d["resumed_units"] = res.resumed_units;
        d["seconds"] = res.seconds;
        return d;
      },
      py::arg("plan"), py::arg("policy"), py::arg("matcher"), py::arg("summary") = "",
      py::arg("hits") = "", py::arg("shard") = "", py::arg("threads") = 0,
      py::arg("strict") = false, py::arg("max_doc_mb") = 16.0, py::arg("resume") = true,
      py::arg("progress") = false, py::arg("max_ratio") = 2000,
      "corpusjobs::RunScan: `safegate corpus scan`.");
  m.def(
      "run_sample",
      [](const PyPlan& plan, const PyPolicy& pol, const PyMatcher& matcher, uint64_t seed,
         uint64_t n, double fraction, const std::string& out, const std::string& shard, int threads,
         bool strict, double max_doc_mb, bool progress, uint64_t max_ratio) {
        if (out.empty()) BadArgument("sample: an output path is required");
        JobArgs a{shard, threads, strict, max_doc_mb, max_ratio};
        corpusjobs::JobContext ctx = MakeContext(plan, pol, &matcher, a);
        corpusjobs::SampleOptions so;
        so.seed = seed;
        so.n = n;
        so.fraction = fraction;
        so.out_path = out;
        Result<corpusjobs::SampleResult> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = RunWithProgressLine("sample", progress, ctx, [&](const corpusjobs::JobContext& c) {
            return corpusjobs::RunSample(c, so);
          });
        }
        corpusjobs::SampleResult res = Unwrap(std::move(r));
        py::dict d;
        py::list sources;
        for (const auto& s : res.sources) {
          py::dict x = StatsToDict(s);
          x["population"] = s.docs;
          auto it = res.sampled.find(s.source);
          x["sampled"] = it == res.sampled.end() ? 0 : it->second;
          x["machine_flagged"] = s.flagged;
          sources.append(x);
        }
        d["sources"] = sources;
        d["bad_examples"] = BadToList(res.bad_examples);
        d["judges"] = res.judges;
        d["seconds"] = res.seconds;
        return d;
      },
      py::arg("plan"), py::arg("policy"), py::arg("matcher"), py::arg("seed"), py::arg("n") = 0,
      py::arg("fraction") = 0.0, py::arg("out") = "", py::arg("shard") = "", py::arg("threads") = 0,
      py::arg("strict") = false, py::arg("max_doc_mb") = 16.0, py::arg("progress") = false,
      py::arg("max_ratio") = 2000, "corpusjobs::RunSample: `safegate corpus sample`.");
  m.def(
      "merge",
      [](const std::vector<std::string>& parts, const std::string& out) {
        Result<std::string> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = corpusjobs::MergeResults(parts, out);
        }
        return Unwrap(std::move(r));
      },
      py::arg("parts"), py::arg("out"),
      "corpusjobs::MergeResults: `safegate corpus merge`; returns 'scan', 'sample' or 'hits'.");
  m.def(
      "run_audit",
      [](const PyPolicy& pol, const std::string& sample, const std::string& labels,
         const std::string& scan_summary, const std::string& rule, double confidence) {
        corpusjobs::AuditOptions ao;
        ao.labels_path = labels;
        ao.scan_summary_path = scan_summary;
        ao.rule = ParseRule(rule);
        if (!(confidence > 0 && confidence < 1)) BadArgument("confidence must be in (0, 1)");
        ao.confidence = confidence;
        Result<corpusjobs::AuditReport> r = InternalError("unset");
        {
          py::gil_scoped_release nogil;
          r = corpusjobs::RunAudit(pol.p->profile, pol.p->taxonomy, sample, ao);
        }
        corpusjobs::AuditReport rep = Unwrap(std::move(r));
        return py::make_tuple(corpusjobs::AuditReportJson(rep), corpusjobs::AuditReportTable(rep),
                              rep.all_pass);
      },
      py::arg("policy"), py::arg("sample"), py::arg("labels") = "", py::arg("scan") = "",
      py::arg("rule") = "point", py::arg("confidence") = 0.95,
      "corpusjobs::RunAudit: (json text as `corpus audit --json`, table, all_pass).");
  m.def(
      "export_labels",
      [](const std::string& sample, const std::string& out) {
        Check(corpusjobs::ExportLabels(sample, out));
      },
      py::arg("sample"), py::arg("out"));
  m.def(
      "import_labels",
      [](const PyPolicy& pol, const std::string& labels, const std::string& sample,
         const std::string& out) {
        auto l = Unwrap(corpusjobs::ReadLabels(labels, sample, pol.p->taxonomy));
        Check(corpusjobs::WriteLabels(l, sample, out));
        return l.size();
      },
      py::arg("policy"), py::arg("labels"), py::arg("sample"), py::arg("out"));
  m.def(
      "write_file_atomic",
      [](const std::string& path, const py::bytes& data) {
        std::string d = data;
        Check(WriteFileAtomic(path, d));
      },
      py::arg("path"), py::arg("data"));

  // ---- statistics ----
  m.def(
      "wilson",
      [](uint64_t k, uint64_t n, double confidence) {
        CheckCounts(k, n, confidence);
        auto i = stats::Wilson(k, n, confidence);
        return std::make_pair(i.lo, i.hi);
      },
      py::arg("k"), py::arg("n"), py::arg("confidence") = 0.95);
  m.def(
      "clopper_pearson",
      [](uint64_t k, uint64_t n, double confidence) {
        CheckCounts(k, n, confidence);
        auto i = stats::ClopperPearson(k, n, confidence);
        return std::make_pair(i.lo, i.hi);
      },
      py::arg("k"), py::arg("n"), py::arg("confidence") = 0.95);
  m.def(
      "binomial_cdf",
      [](uint64_t k, uint64_t n, double p) {
        if (!(p >= 0 && p <= 1)) BadArgument("p must be in [0, 1]");
        return stats::BinomialCdf(k, n, p);
      },
      py::arg("k"), py::arg("n"), py::arg("p"));
  m.def(
      "passes",
      [](uint64_t k, uint64_t n, double threshold, const std::string& rule, double confidence) {
        if (k > n) BadArgument("k must not exceed n");
        return stats::Passes(k, n, MakeTest(threshold, rule, confidence));
      },
      py::arg("k"), py::arg("n"), py::arg("threshold"), py::arg("rule") = "point",
      py::arg("confidence") = 0.95);
  m.def(
      "max_passing_count",
      [](uint64_t n, double threshold, const std::string& rule, double confidence) {
        return stats::MaxPassingCount(n, MakeTest(threshold, rule, confidence));
      },
      py::arg("n"), py::arg("threshold"), py::arg("rule") = "point", py::arg("confidence") = 0.95);
  m.def(
      "operating_characteristic",
      [](uint64_t n, double true_rate, double threshold, const std::string& rule,
         double confidence) {
        if (!(true_rate >= 0 && true_rate <= 1)) BadArgument("true_rate must be in [0, 1]");
        return stats::OperatingCharacteristic(n, true_rate, MakeTest(threshold, rule, confidence));
      },
      py::arg("n"), py::arg("true_rate"), py::arg("threshold"), py::arg("rule") = "point",
      py::arg("confidence") = 0.95);
}
