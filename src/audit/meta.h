// Private helpers shared by the audit jobs: result-file headers and JSON forms.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "safegate/audit/corpus_jobs.h"

namespace safegate::audit::internal {

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

// "FILE:LINE: reason"
std::string FormatBad(const BadExample& b);

// Parses a JSON text, naming `where` on error.
Result<Json> ParseJson(std::string_view text, const std::string& where);

}  // namespace safegate::audit::internal

namespace safegate::audit::internal {

// Absolute line numbers for units consumed in order: the lines before a unit
// are the previous unit's base plus its line count when that unit of the same
// file was consumed just before; otherwise counted from the file (or taken
// from `precomputed` >= 0, which a worker may count in parallel).
class LineBases {
 public:
  Result<uint64_t> Next(const corpus::Plan& plan, uint32_t unit, int64_t precomputed,
                        uint64_t unit_lines);
  Json ToJson() const;
  void FromJson(const Json& j);

 private:
  int64_t file_ = -1;
  uint32_t next_unit_ = 0;
  uint64_t next_line_ = 0;
};

}  // namespace safegate::audit::internal
