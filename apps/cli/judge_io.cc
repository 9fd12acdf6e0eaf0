#include "judge_io.h"

#include <simdjson.h>
#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "safegate/base/csv.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/corpus/field.h"
#include "safegate/text/utf8.h"

namespace safegate::cli {
namespace {

using nlohmann::json;

bool IsCsv(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  return ext == ".csv" || ext == ".CSV";
}

// Reads a file one line at a time ('\n' kept), in constant memory whatever
// its size (a FIFO works too).
class LineReader {
 public:
  ~LineReader() {
    std::free(buf_);
    if (f_ != nullptr) std::fclose(f_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    errno = 0;
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) return IoError("cannot open '" + path + "'");
    return OkStatus();
  }
  // The next line, or false at the end of the file.
  Result<bool> Next(std::string_view* line) {
    errno = 0;
    ssize_t n = ::getline(&buf_, &cap_, f_);
    if (n < 0) {
      if (std::ferror(f_)) return IoError("read '" + path_ + "'");
      return false;
    }
    *line = std::string_view(buf_, static_cast<size_t>(n));
    return true;
  }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

}  // namespace

std::string ParseRecordLine(std::string_view line, json* obj) {
  if (JsonTooDeep(line))
    return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  try {
    *obj = json::parse(line);
  } catch (const std::exception& e) {
    return std::string("not valid JSON: ") + e.what();
  }
  if (!obj->is_object()) return "not a JSON object";
  return "";
}

Status ForEachRecord(const std::string& path, const std::function<Status(Record&)>& fn,
                     const std::function<Status(uint64_t, const std::string&)>& bad,
                     Progress* progress,
                     const std::function<Result<bool>(uint64_t, std::string_view)>& raw) {
  LineReader in;
  SAFEGATE_RETURN_IF_ERROR(in.Open(path));
  std::string_view l;
  if (IsCsv(path)) {
    // One record at a time: lines are gathered until CsvRecordSplitter says a
    // record ends, then read with a CsvReader that knows its first line.
    CsvRecordSplitter splitter;
    std::string chunk;
    uint64_t next_line = 1, chunk_line = 1;
    bool have_header = false;
    std::vector<std::string> header, fields;
    auto record = [&]() -> Status {
      CsvReader reader(chunk, path, chunk_line);
      for (;;) {
        std::string err;
        SAFEGATE_ASSIGN_OR_RETURN(bool more, reader.NextRecord(&fields, &err));
        if (!more) return OkStatus();
        if (!have_header) {
          if (!err.empty()) return InvalidArgumentError(AtLocation(path, reader.line(), "", err));
          header = fields;
          have_header = true;
          for (const std::string& h : header) {
            if (text::CountInvalid(h) != 0) {
              return InvalidArgumentError(path + ":" + std::to_string(reader.line()) +
                                          ": header: a column name is not valid UTF-8");
            }
          }
          continue;
        }
        for (size_t i = 0; err.empty() && i < header.size() && i < fields.size(); ++i) {
          if (text::CountInvalid(fields[i]) != 0) {
            err = "column '" + header[i] + "': not valid UTF-8";
          }
        }
        if (!err.empty()) {
          SAFEGATE_RETURN_IF_ERROR(bad(reader.line(), err));
          continue;
        }
        Record r;
        r.line = reader.line();
        r.obj = json::object();
        for (size_t i = 0; i < header.size() && i < fields.size(); ++i)
          r.obj[header[i]] = fields[i];
        if (progress) progress->AddDocs(1);
        SAFEGATE_RETURN_IF_ERROR(fn(r));
      }
    };
    for (;;) {
      SAFEGATE_ASSIGN_OR_RETURN(bool more, in.Next(&l));
      if (!more) break;
      // A BOM: the first piece's CsvReader skips it; the splitter must not see it.
      std::string_view feed = l;
      if (next_line == 1 && feed.substr(0, 3) == "\xEF\xBB\xBF") feed.remove_prefix(3);
      if (chunk.empty()) chunk_line = next_line;
      ++next_line;
      chunk.append(l);
      if (progress) progress->AddBytes(l.size());
      if (!splitter.Feed(feed)) continue;
      SAFEGATE_RETURN_IF_ERROR(record());
      chunk.clear();
    }
    if (!chunk.empty()) SAFEGATE_RETURN_IF_ERROR(record());
    return OkStatus();
  }
  uint64_t line = 0;
  for (;;) {
    SAFEGATE_ASSIGN_OR_RETURN(bool more, in.Next(&l));
    if (!more) break;
    ++line;
    if (progress) progress->AddBytes(l.size()), progress->AddDocs(1);
    if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (raw) {
      SAFEGATE_ASSIGN_OR_RETURN(bool taken, raw(line, l));
      if (taken) continue;
    }
    Record r;
    r.line = line;
    if (std::string why = ParseRecordLine(l, &r.obj); !why.empty()) {
      SAFEGATE_RETURN_IF_ERROR(bad(line, why));
      continue;
    }
    SAFEGATE_RETURN_IF_ERROR(fn(r));
  }
  return OkStatus();
}

Status ReadRecordTexts(const json& obj, const JudgeFields& fields, RecordTexts* out,
                       const std::string** bad_field) {
  auto text = corpus::FieldOf(obj, fields.text);
  if (!text.ok()) {
    *bad_field = &fields.text;
    return text.status();
  }
  out->text = std::move(*text);
  out->prompt.clear();
  if (!fields.prompt.empty()) {
    auto p = corpus::FieldOf(obj, fields.prompt, true);
    if (!p.ok()) {
      *bad_field = &fields.prompt;
      return p.status();
    }
    out->prompt = std::move(*p);
  }
  auto id = corpus::FieldOf(obj, fields.id, true);
  out->id = id.ok() ? std::move(*id) : std::string();
  return OkStatus();
}

// A simdjson parser with a buffer that has the padding simdjson reads past a
// document's end.
struct FastRecordReader::Impl {
  static constexpr size_t kMaxLine = size_t{1} << 20;
  static constexpr size_t kMaxDepth = 256;  // below kMaxJsonDepth: never "nested deeper"

  explicit Impl(const JudgeFields& f) : parser(kMaxLine) {
    names[0] = f.text;
    names[1] = f.prompt;
    names[2] = f.id;
    wanted[0] = true;
    wanted[1] = !f.prompt.empty();
    wanted[2] = true;
    for (int k = 0; k < 3; ++k)
      if (wanted[k] && names[k].find('.') != std::string::npos) enabled = false;
  }

  simdjson::dom::parser parser;
  std::string padded;
  std::string names[3];  // text, prompt, id
  bool wanted[3] = {};
  bool enabled = true;
};

FastRecordReader::FastRecordReader(const JudgeFields& fields)
    : impl_(std::make_unique<Impl>(fields)) {
  if (impl_->parser.allocate(0, Impl::kMaxDepth) != simdjson::SUCCESS) impl_->enabled = false;
}

FastRecordReader::~FastRecordReader() = default;

bool FastRecordReader::Read(std::string_view line, std::string_view* text, std::string_view* prompt,
                            std::string_view* id) {
  Impl& m = *impl_;
  if (!m.enabled || line.size() > Impl::kMaxLine) return false;
  if (m.padded.size() < line.size() + simdjson::SIMDJSON_PADDING)
    m.padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(m.padded.data(), line.data(), line.size());
  simdjson::dom::element root;
  simdjson::dom::object obj;
  if (m.parser.parse(m.padded.data(), line.size(), false).get(root) != simdjson::SUCCESS ||
      root.get_object().get(obj) != simdjson::SUCCESS)
    return false;
  int seen[3] = {0, 0, 0};
  simdjson::dom::element value[3];
  for (auto field : obj) {
    for (int k = 0; k < 3; ++k) {
      if (m.wanted[k] && field.key == m.names[k]) {
        ++seen[k];
        value[k] = field.value;
      }
    }
  }
  std::string_view* out[3] = {text, prompt, id};
  for (int k = 0; k < 3; ++k) {
    *out[k] = std::string_view();
    if (seen[k] > 1) return false;  // nlohmann keeps the last: the general path says so
    if (seen[k] == 0) {
      if (k == 0 && m.wanted[0]) return false;  // no text: the general path's error
      continue;
    }
    if (value[k].get_string().get(*out[k]) != simdjson::SUCCESS) return false;
  }
  return true;
}

void AppendVerdictJson(std::string_view judge, std::string_view version, const judge::Verdict& v,
                       std::string_view text, const LineHead* head, std::string* out) {
  // Keys in std::map order, as nlohmann's object keeps them.
  out->append("{\"categories\":[");
  for (size_t i = 0; i < v.categories.size(); ++i) {
    const judge::CategoryScore& c = v.categories[i];
    out->append(i ? ",{\"category\":" : "{\"category\":");
    AppendJsonString(c.category, out);
    out->append(c.flagged ? ",\"flagged\":true,\"score\":" : ",\"flagged\":false,\"score\":");
    AppendJsonNumber(c.score, out);
    out->push_back('}');
  }
  out->append("],\"evidence\":[");
  for (size_t i = 0; i < v.evidence.size(); ++i) {
    const judge::Evidence& e = v.evidence[i];
    const size_t b = std::min(e.begin, text.size());
    const size_t en = std::min(std::max(e.end, b), text.size());
    out->append(i ? ",{\"begin\":" : "{\"begin\":");
    AppendJsonNumber(uint64_t{e.begin}, out);
    out->append(",\"category\":");
    AppendJsonString(e.category, out);
    out->append(",\"end\":");
    AppendJsonNumber(uint64_t{e.end}, out);
    out->append(",\"rule\":");
    AppendJsonString(e.rule, out);
    out->append(",\"text\":");
    AppendJsonString(text.substr(b, std::min<size_t>(en - b, 300)), out);
    out->push_back('}');
  }
  out->push_back(']');
  if (head != nullptr && !head->id.empty()) {
    out->append(",\"id\":");
    AppendJsonString(head->id, out);
  }
  out->append(",\"judge\":");
  AppendJsonString(judge, out);
  out->append(",\"label\":");
  AppendJsonString(v.label, out);
  if (head != nullptr) {
    out->append(",\"line\":");
    AppendJsonNumber(head->line, out);
  }
  out->append(",\"score\":");
  AppendJsonNumber(v.score, out);
  out->append(",\"version\":");
  AppendJsonString(version, out);
  out->push_back('}');
}

void AppendResultJson(const json& result, const LineHead& head, std::string* out) {
  json o = {{"line", head.line}};
  if (!head.id.empty()) o["id"] = std::string(head.id);
  o.update(result);
  *out += DumpJson(o);
}

Status JudgeFile(const JudgeFileOptions& io, const JudgeRecordFn& judge_fn) {
  AtomicFile out;
  SAFEGATE_RETURN_IF_ERROR(out.Open(io.output));
  uint64_t errors = 0;
  ProgressLine line("judge");
  Progress progress(0, ProgressLine::Enabled()
                           ? [&line](const ProgressCounts& c) { line.Update(c); }
                           : Progress::Callback());
  line.Start();
  auto bad = [&](uint64_t line, const std::string& why) -> Status {
    std::string msg = AtLocation(io.input, line, "", why);
    if (!io.lenient) return InvalidArgumentError(msg);
    ++errors;
    progress.AddErrors(1);
    json o = {{"line", line}, {"error", msg}};
    return out.Write(DumpJson(o) + "\n");
  };
  std::string buf;  // one output line, reused
  auto judge = [&](uint64_t line, std::string_view text, std::string_view prompt,
                   std::string_view id) -> Status {
    judge::JudgeInput in{text, prompt, ""};
    buf.clear();
    Status st = judge_fn(in, LineHead{line, id}, &buf);
    if (!st.ok()) return bad(line, st.message());
    buf.push_back('\n');
    return out.Write(buf);
  };
  RecordTexts texts;
  const std::string* bad_field = nullptr;
  auto general = [&](Record& r) -> Status {
    Status st = ReadRecordTexts(r.obj, io.fields, &texts, &bad_field);
    if (!st.ok()) {
      if (bad_field == &io.fields.text && !io.lenient)
        return InvalidArgumentError(AtLocation(io.input, r.line, io.fields.text, st.message()));
      return bad(r.line, "field '" + *bad_field + "': " + st.message());
    }
    return judge(r.line, texts.text, texts.prompt, texts.id);
  };
  FastRecordReader fast(io.fields);
  std::function<Result<bool>(uint64_t, std::string_view)> raw;
  if (io.fast) {
    raw = [&](uint64_t line, std::string_view l) -> Result<bool> {
      std::string_view text, prompt, id;
      if (!fast.Read(l, &text, &prompt, &id)) return false;
      SAFEGATE_RETURN_IF_ERROR(judge(line, text, prompt, id));
      return true;
    };
  }
  Status st = ForEachRecord(io.input, general, bad, &progress, raw);
  line.Finish();
  SAFEGATE_RETURN_IF_ERROR(st);
  SAFEGATE_RETURN_IF_ERROR(out.Commit());
  if (errors)
    std::fprintf(stderr, "safegate: %llu bad line(s) reported in the output\n",
                 static_cast<unsigned long long>(errors));
  return OkStatus();
}

}  // namespace safegate::cli
