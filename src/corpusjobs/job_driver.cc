#include "job_driver.h"

#include <cstdio>
#include <filesystem>

#include "safegate/base/file.h"
#include "safegate/base/json.h"

namespace safegate::corpusjobs::internal {

JobDriver::JobDriver(const JobContext& ctx, std::string name)
    : ctx_(ctx),
      name_(std::move(name)),
      t0_(std::chrono::steady_clock::now()),
      units_(ctx.plan->UnitsOf(ctx.shard)),
      threads_(ResolveThreads(ctx.threads)) {
  for (const auto& s : ctx.plan->sources()) {
    SourceStats st;
    st.source = s.name;
    sources_.push_back(st);
  }
}

double JobDriver::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

Result<bool> JobDriver::UseCheckpoint(CheckpointSpec spec) {
  ckpt_ = std::move(spec);
  const std::string& path = ckpt_.path;
  if (path.empty() || !ckpt_.resume || !std::filesystem::exists(path)) return false;
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  auto j = ParseJson(*text, path);
  if (!j.ok()) return j.status();
  if (j->value("config", "") != ckpt_.config) {
    return FailedPreconditionError(path + ": checkpoint of a different " + name_ +
                                   " (other corpus, policy or options); delete it or run with "
                                   "--fresh");
  }
  SAFEGATE_RETURN_IF_ERROR(CatchJson<Status>(path, [&]() -> Status {
    consumed_ = GetInt<size_t>(j->at("consumed"));
    line_bases_.FromJson(j->at("line_bases"));
    if (ckpt_.load) ckpt_.load(*j);
    sources_.clear();
    for (const auto& s : j->at("sources")) {
      auto st = StatsFromJson(s);
      if (!st.ok()) return st.status().WithPrefix(path);
      sources_.push_back(*st);
    }
    for (const auto& b : j->at("bad_examples")) bad_examples_.push_back(BadFromJson(b));
    return OkStatus();
  }));
  // The config id covers the corpus and options, but the file may have been
  // edited: every count it carries must fit this plan before it is indexed.
  const corpus::Plan& plan = *ctx_.plan;
  bool fits = sources_.size() == plan.sources().size() && consumed_ <= units_.size();
  for (size_t i = 0; fits && i < sources_.size(); ++i)
    fits = sources_[i].source == plan.sources()[i].name;
  if (!fits) {
    return FailedPreconditionError(path +
                                   ": checkpoint does not fit this corpus (its sources or units "
                                   "differ); delete it or run with --fresh");
  }
  resumed_ = consumed_;
  on_disk_ = std::move(*j);
  return true;
}

Status JobDriver::WriteCheckpoint() {
  if (ckpt_.path.empty()) return OkStatus();
  Json fields = Json::object();
  if (ckpt_.save) SAFEGATE_RETURN_IF_ERROR(ckpt_.save(&fields));
  Json j;
  j["schema"] = ckpt_.schema;
  j["config"] = ckpt_.config;
  j["consumed"] = consumed_;
  j["line_bases"] = line_bases_.ToJson();
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = std::move(it.value());
  j["sources"] = Json::array();
  for (const auto& s : sources_) j["sources"].push_back(StatsToJson(s));
  j["bad_examples"] = Json::array();
  for (const auto& b : bad_examples_) j["bad_examples"].push_back(BadToJson(b));
  SAFEGATE_RETURN_IF_ERROR(WriteFileAtomic(ckpt_.path, DumpJson(j)));
  on_disk_ = std::move(j);
  return OkStatus();
}

void JobDriver::RemoveCheckpoint() const {
  if (!ckpt_.path.empty()) std::remove(ckpt_.path.c_str());
}

corpus::ReaderOptions JobDriver::ReaderOptionsOf(
    uint32_t unit, const std::function<corpus::ReaderOptions(const corpus::SourceSpec&)>& f) const {
  if (!f) return ctx_.reader;
  const corpus::Plan& plan = *ctx_.plan;
  return f(plan.sources()[plan.files()[plan.units()[unit].file].source]);
}

Status JobDriver::TakeReaderCounts(uint32_t unit, const corpus::UnitReader& reader,
                                   size_t max_bad_shown, UnitCounts* out,
                                   Progress* progress) const {
  out->lines = reader.lines();
  out->bytes = reader.disk_bytes();
  const auto& bad = reader.bad();
  out->bad = bad.size();
  if (ctx_.strict && !bad.empty()) {
    return StrictError(*ctx_.plan, ctx_.plan->units()[unit], bad[0]);
  }
  progress->AddErrors(out->bad);
  for (size_t i = 0; i < bad.size() && i < max_bad_shown; ++i) out->bad_records.push_back(bad[i]);
  return OkStatus();
}

Result<uint64_t> JobDriver::AddUnitCounts(uint32_t u, const UnitCounts& r, size_t max_bad_shown) {
  const corpus::Plan& plan = *ctx_.plan;
  const corpus::Unit& unit = plan.units()[u];
  const corpus::FileEntry& file = plan.files()[unit.file];
  uint64_t base = 0;
  SAFEGATE_ASSIGN_OR_RETURN(base, line_bases_.Next(plan, u, r.lines));
  SourceStats& st = sources_[file.source];
  if (unit.begin == 0) st.files += 1;
  st.bytes += r.bytes;
  st.docs += r.docs;
  st.bad += r.bad;
  for (const auto& b : r.bad_records) {
    if (bad_examples_.size() >= max_bad_shown) break;
    bad_examples_.push_back(
        BadExample{plan.sources()[file.source].name, file.rel_path, b.line + base, b.reason});
  }
  return base;
}

Status JobDriver::UnitConsumed(uint32_t u, const std::function<Status(uint64_t)>& after_unit) {
  ++consumed_;
  auto now = std::chrono::steady_clock::now();
  if (!ckpt_.path.empty() &&
      std::chrono::duration<double>(now - last_ckpt_).count() >= ckpt_.seconds) {
    last_ckpt_ = now;
    SAFEGATE_RETURN_IF_ERROR(WriteCheckpoint());
  }
  if (after_unit) return after_unit(consumed_ - resumed_);
  return OkStatus();
}

}  // namespace safegate::corpusjobs::internal
