// Private helpers shared by the audit jobs: result-file headers and JSON forms.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "safegate/corpusjobs/corpus_jobs.h"

namespace safegate::corpusjobs::internal {

using Json = nlohmann::ordered_json;

std::string Hex64(uint64_t v);
Result<uint64_t> ParseHex64(const std::string& s);

// The header common to every result file of a corpus job.
Json MakeHeader(const JobContext& ctx, const char* schema);

// The "run" object: fields that differ between equivalent runs (timing,
// threads, shard) and are ignored when results are compared.
Json MakeRun(const JobContext& ctx, double seconds);

Json StatsToJson(const SourceStats& s);
Result<SourceStats> StatsFromJson(const Json& j);
void AddStats(const SourceStats& from, SourceStats* to);

Json BadToJson(const BadExample& b);
BadExample BadFromJson(const Json& j);

// ctx.judges, or the keyword banks alone when it is null.
std::shared_ptr<const CorpusJudges> JudgesOf(const JobContext& ctx);

// The categories a document was flagged in: those of its keyword hits in
// order of first appearance, then those the other judges flagged.
std::vector<std::string> FlaggedCategories(const CorpusJudges& judges, const scan::Matcher& matcher,
                                           const DocVerdict& v);

// The JSON form of a verdict: the names of the judges that flagged it,
// FlaggedCategories, and the hits: one {judge, category, keyword, begin,
// end} per keyword hit, one {judge, category, rule, begin, end} per evidence
// span of another judge (rule: the detector), and one {judge, category,
// score} per flagged category of a judge that gave no span (a classifier).
void VerdictToJson(const CorpusJudges& judges, const scan::Matcher& matcher, const DocVerdict& v,
                   Json* judge_names, Json* categories, Json* hit_list);

// One line of a hits file (without the newline): DumpJson of the object
// {source, file, line, offset, [id], unit, judges, categories, hits}
// (VerdictToJson), byte for byte, without building it when only keyword
// hits can be there (no other judges).
void AppendHitsLine(const CorpusJudges& judges, const scan::Matcher& matcher, const DocVerdict& v,
                    std::string_view source, std::string_view file, uint64_t line, uint64_t offset,
                    std::string_view id, uint32_t unit, std::string* out);

// The members "judges":[...],"categories":[...],"hits":[...] of
// VerdictToJson, written as DumpJson writes them, for a verdict of the keyword
// banks alone (judges.others empty).
void AppendKeywordVerdict(const CorpusJudges& judges, const scan::Matcher& matcher,
                          const DocVerdict& v, std::string* out);

// The on-disk bytes a unit stands for in a job's progress: its byte range of a
// plain file, or the whole file when compressed (a compressed file is one
// unit). UnitsDiskBytes sums them over `units` (a shard's, or what is left of
// it after a checkpoint): the progress total of the job.
uint64_t UnitDiskBytes(const corpus::Plan& plan, uint32_t unit);
uint64_t UnitsDiskBytes(const corpus::Plan& plan, const std::vector<uint32_t>& units);

// The error for the first bad line of a unit under --strict, with the line
// number counted from the start of the file.
Status StrictError(const corpus::Plan& plan, const corpus::Unit& unit,
                   const corpus::BadRecord& bad);

// Runs fn() (which returns a Result or a Status) and turns a nlohmann::json
// exception, thrown by at() or get<>() when a result file read back has a field
// missing or of the wrong type, into an InvalidArgument error naming `file`.
template <typename R, typename F>
R CatchJson(const std::string& file, F&& fn) {
  try {
    return fn();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(file + ": not a valid safegate result file: " + e.what());
  }
}

// Parses a JSON text, naming `where` on error.
Result<Json> ParseJson(std::string_view text, const std::string& where);

}  // namespace safegate::corpusjobs::internal

namespace safegate::corpusjobs::internal {

// Absolute line numbers for units consumed in order. The lines before a unit
// are the previous unit's base plus its line count when that unit of the same
// file was consumed just before; when units in between belong to other shards,
// only the newlines of the gap since the last consumed unit of the file are
// counted, so each shard reads every file at most once more (linear, memchr).
class LineBases {
 public:
  Result<uint64_t> Next(const corpus::Plan& plan, uint32_t unit, uint64_t unit_lines);
  Json ToJson() const;
  void FromJson(const Json& j);

 private:
  int64_t file_ = -1;
  uint32_t last_unit_ = 0;  // the last unit consumed of file_
  uint64_t last_base_ = 0;  // its base
  uint64_t next_line_ = 0;  // its base + its lines
};

}  // namespace safegate::corpusjobs::internal
