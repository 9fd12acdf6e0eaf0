// The step cache of `safegate assess` (assess/steps.h): moved out of the CLI.
#include "safegate/assess/steps.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"

namespace safegate::assess {

namespace fs = std::filesystem;
using json = nlohmann::json;

StepCache StepCache::Parse(std::string_view text) {
  StepCache c;
  json j = ParseUntrustedJson(text);
  if (j.is_discarded() || !j.is_object()) return c;
  try {
    if (j.at("schema").get<std::string>() != kStepsSchema) return c;
    for (const auto& [id, v] : j.at("steps").items()) {
      c.previous_[id] = {v.at("input_hash").get<std::string>(), v.at("status").get<std::string>(),
                         v.at("seconds").get<double>(), v.at("finished_at").get<std::string>()};
    }
  } catch (const json::exception&) {
    c.previous_.clear();  // a damaged steps.json only means that nothing is reused
  }
  return c;
}

StepCache StepCache::Load(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? Parse(*text) : StepCache();
}

const CachedStep* StepCache::Reusable(const PlannedStep& step, const std::string& input_hash,
                                      const std::string& project_dir) const {
  if (step.always_rerun) return nullptr;
  for (const auto& e : step.evidence) {
    if (!fs::exists(fs::path(project_dir) / e)) return nullptr;
  }
  auto it = previous_.find(step.id);
  if (it == previous_.end()) return nullptr;
  const CachedStep& p = it->second;
  if (p.input_hash != input_hash || (p.status != "ran" && p.status != "reused")) return nullptr;
  return &p;
}

void StepCache::Record(const std::string& id, CachedStep step) {
  current_[id] = std::move(step);
}

std::string StepCache::Json() const {
  json steps = json::object();
  for (const auto& [id, s] : current_) {
    steps[id] = {{"input_hash", s.input_hash},
                 {"status", s.status},
                 {"seconds", s.seconds},
                 {"finished_at", s.finished_at}};
  }
  json sj = {
      {"schema", kStepsSchema}, {"tool_version", std::string(ToolVersion())}, {"steps", steps}};
  return DumpJson(sj, 1) + "\n";
}

Status AddToolIdentity(std::vector<PlannedStep>* steps, const std::string& exe) {
  PlannedStep tool;
  tool.id = "tool";
  tool.content_inputs = {exe};
  SAFEGATE_ASSIGN_OR_RETURN(std::string h, StepInputHash(tool, "/"));
  for (auto& ps : *steps) ps.settings += "\ntool:" + h;
  return OkStatus();
}

std::string EvalRunId(const std::string& input_hash) {
  return "assess-" + input_hash.substr(0, 12);
}

std::string FillRunId(PlannedStep* step, const std::string& run_id) {
  std::string store_rel;
  for (auto& c : step->commands) {
    for (size_t i = 0; i < c.args.size(); ++i) {
      if (c.args[i] == "{run_id}") c.args[i] = run_id;
      if (c.args[i] == "--store" && i + 1 < c.args.size()) store_rel = c.args[i + 1];
    }
  }
  return store_rel;
}

void ResumeEvalRun(PlannedStep* step, const std::string& run_id) {
  if (step->commands.empty()) return;
  auto& args = step->commands.front().args;
  std::vector<std::string> resumed;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--run-id" || args[i] == "--seed" || args[i] == "--profile") {
      ++i;
      continue;
    }
    resumed.push_back(args[i]);
  }
  resumed.insert(resumed.end(), {"--resume", run_id});
  args = resumed;
}

}  // namespace safegate::assess
