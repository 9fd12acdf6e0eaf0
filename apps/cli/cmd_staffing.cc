// `safegate serve staffing`: reviewers needed for a decision-time target
// (Erlang C, stats/queueing.h), with what-if scenarios.
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "common.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"
#include "safegate/stats/queueing.h"
#include "safegate/stats/staffing.h"

namespace safegate::cli {
namespace {

struct Scenario {
  std::string name;
  stats::QueueModel model;
};

CLI::App* ServeGroup(CLI::App& app) {
  auto found = app.get_subcommands([](CLI::App* a) { return a->get_name() == "serve"; });
  if (!found.empty()) return found.front();
  return app.add_subcommand("serve", "Live moderation service");
}

}  // namespace

void RegisterStaffing(CLI::App& app, int* rc) {
  struct Opts {
    double arrivals = -1;
    double handling = -1;
    double share = 0.95;
    double minutes = 30;
    std::string kind = "decided";
    std::vector<double> traffic{2.0};
    std::vector<double> handling_factor;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = ServeGroup(app)->add_subcommand(
      "staffing", "Reviewers needed to meet a decision-time target (Erlang C model)");
  cmd->add_option("--arrivals-per-hour", o->arrivals, "Flags arriving per hour (measured)")
      ->required();
  cmd->add_option("--handling-minutes", o->handling, "Mean handling time per flag, minutes")
      ->required();
  cmd->add_option("--target-share", o->share, "Share of flags to meet the target (default 0.95)");
  cmd->add_option("--target-minutes", o->minutes, "Target time in minutes (default 30)");
  cmd->add_option("--kind", o->kind,
                  "decided: flag to decision (wait + handling, default); picked-up: wait only")
      ->check(CLI::IsMember({"decided", "picked-up"}));
  cmd->add_option("--traffic-factor", o->traffic,
                  "What-if: arrivals multiplied by F (repeatable; default 2)");
  cmd->add_option("--handling-factor", o->handling_factor,
                  "What-if: handling time multiplied by F (repeatable)");
  cmd->add_flag("--json", o->json, "JSON (schema safegate.staffing/2) instead of a table");
  cmd->footer(
      "Model: Poisson arrivals, exponential handling times, one shared queue, no abandonment\n"
      "(M/M/N). Example: safegate serve staffing --arrivals-per-hour 120 --handling-minutes 4\n"
      "Exit codes: 0 ok, 2 bad parameters or a target no team can meet.");
  cmd->callback([o, rc] {
    stats::Staffing st;
    st.tool_version = std::string(ToolVersion());
    st.target = {o->share, o->minutes, *stats::ParseServiceLevelKind(o->kind)};
    std::vector<Scenario> scenarios{{"measured", {o->arrivals, o->handling}}};
    char name[64];
    for (double f : o->traffic) {
      std::snprintf(name, sizeof name, "traffic x%g", f);
      scenarios.push_back({name, {o->arrivals * f, o->handling}});
    }
    for (double f : o->handling_factor) {
      std::snprintf(name, sizeof name, "handling x%g", f);
      scenarios.push_back({name, {o->arrivals, o->handling * f}});
    }
    for (const Scenario& s : scenarios) {
      st.scenarios.push_back(stats::PlanScenario(s.name, s.model, st.target));
      if (!st.scenarios.back().error.empty()) {
        *rc = Fail(InvalidArgumentError("scenario '" + s.name + "': " + st.scenarios.back().error));
        return;
      }
    }
    if (o->json) {
      std::printf("%s\n", DumpJson(stats::StaffingToJson(st), 2).c_str());
      return;
    }
    std::printf("Staffing (Erlang C): %g%% of flags %s within %g min\n", o->share * 100,
                o->kind == "decided" ? "decided" : "picked up", o->minutes);
    std::printf("%-16s %11s %10s %10s %10s %9s %10s %10s\n", "scenario", "arrivals/h", "handling",
                "load (erl)", "reviewers", "achieved", "mean wait", "occupancy");
    for (const stats::StaffingScenario& s : st.scenarios) {
      const stats::StaffingResult& r = *s.result;
      std::printf("%-16s %11.1f %6.1f min %10.2f %10lld %8.1f%% %6.1f min %9.0f%%\n",
                  s.name.c_str(), s.arrivals_per_hour, s.handling_minutes,
                  s.offered_load_erlangs.value_or(0.0), static_cast<long long>(r.servers),
                  r.service_level * 100, r.mean_wait_minutes, r.occupancy * 100);
    }
  });
}

}  // namespace safegate::cli
