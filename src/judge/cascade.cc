// The refusal cascade (cascade.h).
#include "safegate/judge/cascade.h"

#include <cstdio>
#include <string>

namespace safegate::judge {
namespace {

class CascadeJudge final : public Judge {
 public:
  CascadeJudge(std::shared_ptr<const Judge> fast, std::shared_ptr<const Judge> slow, double below)
      : fast_(std::move(fast)), slow_(std::move(slow)), below_(below) {
    char t[32];
    std::snprintf(t, sizeof t, "%g", below_);
    version_ = std::string(fast_->version()) + "|escalate<" + t + ":" + std::string(slow_->name()) +
               "/" + std::string(slow_->version());
  }
  std::string_view name() const override { return fast_->name(); }
  std::string_view version() const override { return version_; }

  Result<Verdict> Run(const JudgeInput& input) const override {
    SAFEGATE_ASSIGN_OR_RETURN(Verdict v, fast_->Run(input));
    if (RefusalConfidence(v) >= below_) {
      v.decided_by = std::string(fast_->name());
      return v;
    }
    auto slow = slow_->Run(input);
    if (!slow.ok())
      return slow.status().WithPrefix("escalation judge " + std::string(slow_->name()) +
                                      " failed (answer unjudged)");
    Verdict out = std::move(slow).value();
    out.decided_by = std::string(slow_->name());
    return out;
  }

 private:
  std::shared_ptr<const Judge> fast_, slow_;
  double below_;
  std::string version_;
};

}  // namespace

double RefusalConfidence(const Verdict& v) {
  return v.label == "compliance" ? 1 - v.score : v.score;
}

Result<std::unique_ptr<Judge>> NewCascadeJudge(std::shared_ptr<const Judge> fast,
                                               std::shared_ptr<const Judge> escalation,
                                               double below) {
  if (!fast || !escalation) return InvalidArgumentError("cascade: a judge is missing");
  if (!(below >= 0 && below <= 1)) return InvalidArgumentError("cascade: below must be in [0, 1]");
  return std::unique_ptr<Judge>(
      std::make_unique<CascadeJudge>(std::move(fast), std::move(escalation), below));
}

}  // namespace safegate::judge
