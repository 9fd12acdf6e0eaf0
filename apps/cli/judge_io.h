// The input and output of `safegate judge` (cmd_judge.cc): records read from
// a JSONL or CSV file, the fields a judge reads from them, and the JSON line
// written for each. A library of the CLI so that the differential tests
// (tests/cli/judge_io_test.cc) and the fuzz target (fuzz/fuzz_judge_record.cc)
// can hold the fast paths to the general ones.
//
// Fast paths, as in apps/server/codec.h: FastRecordReader reads the common
// JSONL record (a flat object whose fields are plain strings) with simdjson
// and declines anything else, which the general path (nlohmann's parser and
// corpus::FieldOf, whose messages the user sees) then reads; AppendVerdictJson
// writes a verdict directly, byte for byte what nlohmann's dump of the same
// object wrote (keys in its sorted order).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "safegate/base/progress.h"
#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::cli {

// One record of a JSONL or CSV input file.
struct Record {
  uint64_t line = 0;
  nlohmann::json obj;  // CSV rows become an object of strings keyed by the header
};

// The general reading of one JSONL line (its line end removed, not blank):
// "" with *obj the object, or why the line is bad ("JSON nested deeper than
// 512 levels", "not valid JSON: ...", "not a JSON object").
std::string ParseRecordLine(std::string_view line, nlohmann::json* obj);

// Calls `fn` for every record; a line that is not a JSON object is passed to
// `bad` (which returns the Status to stop with, or ok to continue). The file
// is streamed: memory does not grow with its length. When `raw` is given,
// each JSONL line (line end removed, blank lines skipped) is offered to it
// first with its line number; when it returns true it has taken the line,
// which is then not parsed.
Status ForEachRecord(const std::string& path, const std::function<Status(Record&)>& fn,
                     const std::function<Status(uint64_t, const std::string&)>& bad,
                     Progress* progress,
                     const std::function<Result<bool>(uint64_t, std::string_view)>& raw = {});

// The fields a judge reads from each record (corpus/field.h's dotted paths).
struct JudgeFields {
  std::string text = "text";
  std::string prompt;  // "" = no prompt
  std::string id = "id";
};

// What a record gives: the text, the prompt ("" when absent or not asked for)
// and the id ("" when absent or not a string, number or boolean).
struct RecordTexts {
  std::string text, prompt, id;
};

// The general reading of a parsed record, by corpus::FieldOf's rules: ok, or
// the error of the text field (*bad_field = &fields.text) or of the prompt
// field (*bad_field = &fields.prompt), its message FieldOf's ("missing", "must
// be a string").
Status ReadRecordTexts(const nlohmann::json& obj, const JudgeFields& fields, RecordTexts* out,
                       const std::string** bad_field);

// The fast path of ParseRecordLine + ReadRecordTexts for one JSONL line.
class FastRecordReader {
 public:
  // Reads nothing (Read always false) when a field is a dotted path.
  explicit FastRecordReader(const JudgeFields& fields);
  ~FastRecordReader();
  FastRecordReader(const FastRecordReader&) = delete;
  FastRecordReader& operator=(const FastRecordReader&) = delete;

  // True with *text, *prompt and *id set (views valid until the next call)
  // when `line` is a JSON object that simdjson accepts (then nlohmann does
  // too), of at most 1 MiB and 256 levels, whose text field is a string and
  // whose prompt and id fields are strings or absent, none of the three keys
  // twice. False for anything else, leaving the line to the general path.
  // Whenever it returns true, ReadRecordTexts(ParseRecordLine(line)) gives
  // the same three strings.
  bool Read(std::string_view line, std::string_view* text, std::string_view* prompt,
            std::string_view* id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The record an output line is about: its line number and id ("" = none).
struct LineHead {
  uint64_t line = 0;
  std::string_view id;
};

// Appends a verdict as the object {"categories": [{"category", "flagged",
// "score"}], "evidence": [{"begin", "category", "end", "rule", "text"}],
// "judge", "label", "score", "version"}, keys in nlohmann's (sorted) order and
// every value as DumpJson writes it; an evidence's "text" is its span of
// `text` (clamped to it), at most 300 bytes. With `head`, its "id" (when not
// empty) and "line" are merged in (the line `judge refusal` and `judge pii`
// write); without, the object is an item of `judge run`'s "verdicts".
void AppendVerdictJson(std::string_view judge, std::string_view version, const judge::Verdict& v,
                       std::string_view text, const LineHead* head, std::string* out);

// Appends the object `result` with head's "line" and "id" (when not empty)
// merged in, as DumpJson writes it (the general writer, for `judge classify`).
void AppendResultJson(const nlohmann::json& result, const LineHead& head, std::string* out);

// How JudgeFile reads and writes.
struct JudgeFileOptions {
  std::string input;  // JSONL, or CSV by its extension
  JudgeFields fields;
  std::string output = "-";
  bool lenient = false;  // report a bad line as {"line", "error"} and go on
  bool fast = true;      // read JSONL lines with FastRecordReader first
};

// Judges one record: appends its whole output object (no line end) to *out,
// or returns the error that makes the line bad.
using JudgeRecordFn =
    std::function<Status(const judge::JudgeInput&, const LineHead&, std::string* out)>;

// Runs `judge_fn` over every record of the input and writes one JSON line per
// record to the output (an error stops with nothing written, unless lenient).
Status JudgeFile(const JudgeFileOptions& io, const JudgeRecordFn& judge_fn);

}  // namespace safegate::cli
