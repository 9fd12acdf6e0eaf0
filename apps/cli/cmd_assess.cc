// `safegate assess DIR` (the whole assessment of a project, report.json and
// report.html) and `safegate init DIR` (a commented starting project).
//
// Exit codes: 0 every requirement passes; 1 a requirement failed; 4 none
// failed but some are "sample too small" or "not assessed"; 2 bad input (the
// project file, or a step that stopped on bad input); 3 internal error.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "common.h"
#include "safegate/assess/assess.h"
#include "safegate/assess/steps.h"
#include "safegate/base/file.h"
#include "safegate/base/i18n.h"
#include "safegate/eval/run_store.h"
#include "safegate/store/sqlite.h"

namespace safegate::cli {
namespace {

namespace fs = std::filesystem;

struct AssessFlags {
  std::string dir = ".";
  std::string out;
  std::string diff;
  std::string lang;  // "" = the project's assess.lang, else English
  bool fresh = false;
  bool quiet = false;
};

// Runs `safegate ARGS` (this binary) in `cwd`. Its standard output goes to
// `log`; its standard error too, and, when `relay` (a terminal), also to ours,
// so that the step's progress line shows live. Returns the exit code (or -1
// when it could not start or was killed).
int RunSelf(const std::vector<std::string>& args, const std::string& cwd, const std::string& log,
            bool relay) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  std::string header = "$ " + assess::CommandLine({args, {}}) + "\n";
  int err[2];
  if (::write(fd, header.data(), header.size()) < 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ::close(fd);
    return -1;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    ::close(err[0]);
    ::close(err[1]);
    return -1;
  }
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) _exit(127);
    ::dup2(fd, 1);
    ::dup2(err[1], 2);
    if (relay) {
      ::setenv("SAFEGATE_PROGRESS", "1", 1);
    } else {
      ::setenv("SAFEGATE_NO_PROGRESS", "1", 1);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("safegate"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(self.c_str(), argv.data());
    _exit(127);
  }
  ::close(err[1]);
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(err[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (::write(fd, buf, static_cast<size_t>(n)) < 0) break;
    if (relay && ::write(2, buf, static_cast<size_t>(n)) < 0) relay = false;
  }
  ::close(err[0]);
  ::close(fd);
  if (relay && ::write(2, "\r\033[K", 4) < 0) relay = false;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The last error line a step's command printed (for the report).
std::string LastError(const std::string& log) {
  auto text = ReadFile(log);
  if (!text.ok()) return "";
  std::string last;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    std::string line = text->substr(pos, nl - pos);
    if (line.find("error") != std::string::npos) last = line;
    pos = nl + 1;
  }
  return last;
}

// Names the eval step's run (assess/steps.h); resumes it when the run store
// already holds it (an interrupted assessment).
Status PrepareEval(assess::PlannedStep& step, const std::string& dir, const std::string& hash) {
  const std::string run_id = assess::EvalRunId(hash);
  const std::string store_path = (fs::path(dir) / assess::FillRunId(&step, run_id)).string();
  if (step.commands.empty() || !fs::exists(store_path)) return OkStatus();
  SAFEGATE_ASSIGN_OR_RETURN(auto db, store::OpenSqlite(store_path, {}));
  SAFEGATE_ASSIGN_OR_RETURN(auto rs, eval::RunStore::Open(std::move(db)));
  if (rs->GetRun(run_id).ok()) assess::ResumeEvalRun(&step, run_id);
  return OkStatus();
}

int RunAssess(const AssessFlags& f) {
  auto loaded = assess::LoadAssessProject(f.dir);
  if (!loaded.ok()) return Fail(loaded.status());
  assess::AssessProject p = std::move(loaded).value();
  if (!f.lang.empty()) p.lang = *i18n::ParseLang(f.lang);  // checked by the flag's validator
  if (!f.out.empty()) {
    std::error_code ec;
    fs::path out = fs::absolute(f.out);
    p.out_dir = fs::relative(out, fs::absolute(p.dir), ec).string();
    if (ec) p.out_dir = out.string();
  }
  auto profile = assess::ResolveProfile(p);
  if (!profile.ok()) return Fail(profile.status().WithPrefix(p.file + ": profile"));
  std::optional<assess::Report> old_report;
  if (!f.diff.empty()) {
    auto text = ReadFile(f.diff);
    if (!text.ok()) return Fail(text.status());
    auto r = assess::ParseReportJson(*text, f.diff);
    if (!r.ok()) return Fail(r.status());
    old_report = std::move(r).value();
  }
  const fs::path out = fs::path(p.dir) / p.out_dir;
  Status s = MakeDirs((out / "evidence").string());
  if (s.ok()) s = MakeDirs((out / "logs").string());
  if (!s.ok()) return Fail(s);

  // The previous run's steps (for reuse; assess/steps.h).
  assess::StepCache cache = assess::StepCache::Load((out / "steps.json").string());

  std::printf("safegate assess %s: profile %s %s, policy %s, today %s\n", p.file.c_str(),
              profile->id.c_str(), profile->version.c_str(), p.project.policy_path.c_str(),
              p.today.c_str());
  std::vector<assess::PlannedStep> planned = assess::PlanSteps(p, *profile);
  // The binary itself is an input of every step.
  if (Status t = assess::AddToolIdentity(&planned, fs::read_symlink("/proc/self/exe").string());
      !t.ok()) {
    return Fail(t);
  }
  std::vector<assess::Step> steps;
  bool step_failed = false;
  for (assess::PlannedStep& ps : planned) {
    assess::Step st;
    st.id = ps.id;
    st.title = ps.title;
    auto rel_ev = [&](const std::string& e) {
      return fs::relative(fs::path(p.dir) / e, out).string();
    };
    if (!ps.not_assessed.empty()) {
      st.status = "not assessed";
      st.detail = ps.not_assessed;
      std::printf("  %-11s not assessed: %s\n", ps.id.c_str(), ps.not_assessed.c_str());
      steps.push_back(st);
      continue;
    }
    auto hash = assess::StepInputHash(ps, p.dir);
    if (!hash.ok()) return Fail(hash.status());
    st.input_hash = *hash;
    if (ps.id == "eval") {
      Status e = PrepareEval(ps, p.dir, *hash);
      if (!e.ok()) return Fail(e);
    }
    for (const auto& c : ps.commands) st.commands.push_back(assess::CommandLine(c));
    for (const auto& e : ps.evidence) st.evidence.push_back(rel_ev(e));
    const assess::CachedStep* prev = f.fresh ? nullptr : cache.Reusable(ps, *hash, p.dir);
    if (prev != nullptr) {
      st.status = "reused";
      st.seconds = prev->seconds;
      st.detail = "inputs unchanged since " + prev->finished_at;
      std::printf("  %-11s reused (inputs unchanged)\n", ps.id.c_str());
      cache.Record(ps.id, {*hash, "reused", st.seconds, prev->finished_at});
      steps.push_back(st);
      continue;
    }
    std::string log = (out / "logs" / (ps.id + ".log")).string();
    std::remove(log.c_str());
    const bool tty = !f.quiet && ::isatty(1) && ::isatty(2);
    if (tty) {
      std::printf("  %-11s running ...", ps.id.c_str());
      std::fflush(stdout);
    }
    auto t0 = std::chrono::steady_clock::now();
    st.status = "ran";
    for (const auto& c : ps.commands) {
      int rc = RunSelf(c.args, p.dir, log, tty);
      bool ok =
          std::find(c.ok_exit_codes.begin(), c.ok_exit_codes.end(), rc) != c.ok_exit_codes.end();
      if (!ok) {
        st.status = "failed";
        std::string err = LastError(log);
        st.detail = assess::CommandLine(c) + " exited with " + std::to_string(rc) +
                    (err.empty() ? "" : ": " + err) + " (log: " + rel_ev(fs::relative(log, p.dir)) +
                    ")";
        step_failed = true;
        break;
      }
    }
    st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tty) std::printf("\r\033[K");
    if (st.status == "ran") {
      std::printf("  %-11s ran in %.1f s\n", ps.id.c_str(), st.seconds);
      std::string now = eval::NowIso8601();
      st.detail = "ran at " + now;
      cache.Record(ps.id, {*hash, "ran", st.seconds, now});
    } else {
      std::printf("  %-11s FAILED: %s\n", ps.id.c_str(), st.detail.c_str());
    }
    steps.push_back(st);
  }

  auto report = assess::BuildReport(p, *profile, steps);
  if (!report.ok()) return Fail(report.status());
  // Evidence paths of every row must exist: a row never points at nothing.
  for (assess::Row& w : report->rows) {
    std::vector<std::string> kept;
    for (const auto& e : w.evidence)
      if (fs::exists(out / e)) kept.push_back(e);
    w.evidence = kept;
  }
  std::string json_path = (out / "report.json").string();
  std::string html_path = (out / "report.html").string();
  s = WriteFileAtomic(json_path, assess::ReportJson(*report));
  if (s.ok()) s = WriteFileAtomic(html_path, assess::RenderHtml(*report, p.lang));
  if (s.ok()) s = WriteFileAtomic((out / "steps.json").string(), cache.Json());
  if (!s.ok()) return Fail(s);

  std::printf("\n%s", assess::SummaryTable(*report).c_str());
  if (old_report) {
    assess::ReportDiff d = assess::DiffReports(*old_report, *report);
    std::printf("\nchanges since %s:\n%s", f.diff.c_str(), assess::DiffTable(d).c_str());
    s = WriteFileAtomic((out / "diff.json").string(), assess::DiffJson(d, f.diff));
    if (!s.ok()) return Fail(s);
  }
  std::printf("\nreport: %s\n        %s\n", html_path.c_str(), json_path.c_str());
  if (step_failed) return kExitBadInput;
  if (report->Count(assess::Verdict::kFail) > 0) return kExitGateFailed;
  if (!report->AllPass()) return kExitNotAssessed;
  return kExitOk;
}

}  // namespace

void RegisterAssess(CLI::App& app, int* rc) {
  auto f = std::make_shared<AssessFlags>();
  auto* cmd = app.add_subcommand(
      "assess",
      "Assess a project directory against its profile: bank lint, corpus audit, model "
      "evaluation, moderation figures; writes report.json and report.html");
  cmd->add_option("dir", f->dir, "Project directory (with safegate.yaml) or the file itself");
  cmd->add_option("--out", f->out, "Output directory (default: assess.out, else DIR/assessment)");
  cmd->add_option("--diff", f->diff, "A previous report.json: show what changed");
  cmd->add_option("--lang", f->lang,
                  "Language of report.html: en, zh (Simplified Chinese) or ru (default: "
                  "assess.lang of the project, else en)")
      ->check([](const std::string& v) {
        return i18n::ParseLang(v) ? std::string() : "expected en, zh or ru, got '" + v + "'";
      });
  cmd->add_flag("--fresh", f->fresh, "Rerun every step even when its inputs are unchanged");
  cmd->add_flag("-q,--quiet", f->quiet, "No progress lines while steps run");
  cmd->footer(
      "Exit codes: 0 every requirement passes; 1 a requirement failed; 4 none failed but some "
      "are 'sample too small' or 'not assessed'; 2 bad input; 3 internal error.");
  cmd->callback([f, rc] { *rc = RunAssess(*f); });
}

}  // namespace safegate::cli
