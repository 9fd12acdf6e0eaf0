// Multinomial logistic regression on hashed n-grams (see classifier.h).
#include "safegate/judge/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "model_file.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"
#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"

namespace safegate::judge {
namespace {

constexpr char kMagic[8] = {'S', 'G', 'C', 'L', 'F', 'M', 'D', 'L'};
constexpr uint32_t kFormatVersion = 1;

// The features of saved models were computed with these steps: later
// keyword-matching steps (strip_accents, digit_letters) stay off here.
text::NormalizeOptions FeatureOptions() {
  text::NormalizeOptions o;
  o.strip_accents = false;
  o.digit_letters = false;
  return o;
}

const text::Normalizer& Norm() {
  static const text::Normalizer n{FeatureOptions()};
  return n;
}

uint32_t Bucket(uint64_t h, int bits) {
  return static_cast<uint32_t>((h ^ (h >> 29)) & ((1ull << bits) - 1));
}

}  // namespace

void ForEachFeature(std::string_view raw, const ClassifierTrainOptions& o,
                    const std::function<void(uint32_t)>& fn) {
  text::NormalizedText nt;
  Norm().Normalize(raw, &nt);
  std::string_view t = nt.text();
  // Code point boundaries; runs of non-word characters collapse to one space.
  std::vector<std::string_view> cps;
  std::vector<bool> word;
  cps.reserve(t.size() + 2);
  cps.push_back(" ");
  word.push_back(false);
  for (size_t i = 0; i < t.size();) {
    size_t len = 1;
    bool invalid = false;
    char32_t cp = text::DecodeAt(t, i, &len, &invalid);
    if (len == 0) len = 1;
    bool w = !invalid && text::IsWordChar(cp);
    if (w) {
      cps.push_back(t.substr(i, len));
      word.push_back(true);
    } else if (word.back()) {
      cps.push_back(" ");
      word.push_back(false);
    }
    i += len;
  }
  if (word.back()) {
    cps.push_back(" ");
    word.push_back(false);
  }
  // Character n-grams.
  for (size_t i = 0; i < cps.size(); ++i) {
    uint64_t h = 0xcbf29ce484222325ULL ^ 0x11;
    for (int n = 1; n <= o.char_max && i + n <= cps.size(); ++n) {
      h = Fnv1a64(cps[i + n - 1], h);
      if (n >= o.char_min && !(n == 1 && !word[i]))
        fn(Bucket(h * 0x9E3779B97F4A7C15ULL + n, o.hash_bits));
    }
  }
  // Word n-grams (words = runs of word characters; each no-space-script
  // character is its own word).
  if (o.word_max <= 0) return;
  std::vector<uint64_t> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(Fnv1a64(cur, 0x84222325cbf29ce4ULL));
    cur.clear();
  };
  for (size_t i = 0; i < cps.size(); ++i) {
    if (!word[i]) {
      flush();
      continue;
    }
    size_t len = 0;
    bool invalid = false;
    char32_t cp = text::DecodeAt(cps[i], 0, &len, &invalid);
    if (text::IsNoSpaceScript(cp)) {
      flush();
      cur.assign(cps[i]);
      flush();
    } else {
      cur.append(cps[i]);
    }
  }
  flush();
  for (size_t i = 0; i < words.size(); ++i) {
    uint64_t h = words[i];
    fn(Bucket(h * 0xC2B2AE3D27D4EB4FULL + 101, o.hash_bits));
    for (int n = 2; n <= o.word_max && i + n <= words.size(); ++n) {
      h = h * 0x100000001B3ULL ^ words[i + n - 1];
      fn(Bucket(h * 0xC2B2AE3D27D4EB4FULL + 101 + n, o.hash_bits));
    }
  }
}

Result<std::shared_ptr<const TextClassifier>> TextClassifier::Train(
    const std::vector<std::string>& texts, const std::vector<std::string>& labels,
    const ClassifierTrainOptions& o) {
  if (texts.size() != labels.size())
    return InvalidArgumentError("texts and labels differ in length");
  if (o.hash_bits < 10 || o.hash_bits > 24) return InvalidArgumentError("hash_bits must be 10..24");
  if (o.char_min < 1 || o.char_max < o.char_min || o.char_max > 8 || o.word_max < 0 ||
      o.word_max > 4 || o.epochs < 1)
    return InvalidArgumentError("invalid training options");
  // NaN fails both tests; a rate past 10 or l2 past 1 sends the weights to infinity.
  if (!(o.learning_rate > 0 && o.learning_rate <= 10) || !(o.l2 >= 0 && o.l2 <= 1))
    return InvalidArgumentError("the learning rate must be in (0, 10] and l2 in [0, 1]");
  std::shared_ptr<TextClassifier> m(new TextClassifier());
  m->options_ = o;
  std::vector<std::string> sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted.size() < 2) return InvalidArgumentError("training needs at least 2 distinct labels");
  m->labels_ = sorted;
  const size_t K = sorted.size();
  const size_t F = size_t{1} << o.hash_bits;
  m->weights_.assign(F * K + K, 0.0f);

  // Featurise once.
  std::vector<std::vector<uint32_t>> feats(texts.size());
  std::vector<uint32_t> y(texts.size());
  std::vector<double> freq(K, 0);
  for (size_t i = 0; i < texts.size(); ++i) {
    ForEachFeature(texts[i], o, [&](uint32_t f) { feats[i].push_back(f); });
    y[i] = static_cast<uint32_t>(std::lower_bound(sorted.begin(), sorted.end(), labels[i]) -
                                 sorted.begin());
    freq[y[i]] += 1;
  }
  std::vector<double> cw(K, 1.0);
  if (o.balance)
    for (size_t k = 0; k < K; ++k) cw[k] = texts.size() / (K * std::max(1.0, freq[k]));

  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(o.seed);
  float* w = m->weights_.data();
  float* bias = w + F * K;
  std::vector<double> z(K);
  const size_t total = static_cast<size_t>(o.epochs) * texts.size();
  size_t step = 0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t idx : order) {
      const auto& f = feats[idx];
      double lr = o.learning_rate * (1.0 - static_cast<double>(step++) / total) + 1e-4;
      double scale = f.empty() ? 0 : 1.0 / std::sqrt(static_cast<double>(f.size()));
      for (size_t k = 0; k < K; ++k) z[k] = bias[k];
      for (uint32_t b : f)
        for (size_t k = 0; k < K; ++k) z[k] += w[b * K + k] * scale;
      double mx = *std::max_element(z.begin(), z.end()), sum = 0;
      for (auto& v : z) sum += (v = std::exp(v - mx));
      for (size_t k = 0; k < K; ++k) {
        double g = (z[k] / sum - (k == y[idx] ? 1.0 : 0.0)) * cw[y[idx]];
        bias[k] -= static_cast<float>(lr * g);
        float gs = static_cast<float>(lr * g * scale);
        float decay = static_cast<float>(1.0 - lr * o.l2);
        for (uint32_t b : f) w[b * K + k] = w[b * K + k] * decay - gs;
      }
    }
  }
  std::string bytes = m->Serialize();
  m->fingerprint_ = std::to_string(Fnv1a64(bytes) % 100000000);
  return std::shared_ptr<const TextClassifier>(m);
}

std::vector<double> TextClassifier::Predict(std::string_view text) const {
  const size_t K = labels_.size();
  const size_t F = size_t{1} << options_.hash_bits;
  std::vector<uint32_t> f;
  ForEachFeature(text, options_, [&](uint32_t b) { f.push_back(b); });
  double scale = f.empty() ? 0 : 1.0 / std::sqrt(static_cast<double>(f.size()));
  std::vector<double> z(K);
  for (size_t k = 0; k < K; ++k) z[k] = weights_[F * K + k];
  for (uint32_t b : f)
    for (size_t k = 0; k < K; ++k) z[k] += weights_[b * K + k] * scale;
  double mx = *std::max_element(z.begin(), z.end()), sum = 0;
  for (auto& v : z) sum += (v = std::exp(v - mx));
  for (auto& v : z) v /= sum;
  return z;
}

size_t TextClassifier::PredictIndex(std::string_view text, double* probability) const {
  auto p = Predict(text);
  size_t best = std::max_element(p.begin(), p.end()) - p.begin();
  if (probability) *probability = p[best];
  return best;
}

std::string TextClassifier::Serialize() const {
  nlohmann::json h;
  h["schema"] = "safegate.classifier/1";
  h["labels"] = labels_;
  h["hash_bits"] = options_.hash_bits;
  h["char_min"] = options_.char_min;
  h["char_max"] = options_.char_max;
  h["word_max"] = options_.word_max;
  h["epochs"] = options_.epochs;
  h["learning_rate"] = options_.learning_rate;
  h["l2"] = options_.l2;
  h["balance"] = options_.balance;
  h["seed"] = options_.seed;
  h["tool_version"] = std::string(ToolVersion());
  std::string header = DumpJson(h);
  return internal::WriteModelFile(std::string_view(kMagic, sizeof kMagic), kFormatVersion, header,
                                  weights_);
}

Status TextClassifier::Save(const std::string& path) const {
  return WriteFileAtomic(path, Serialize());
}

Result<std::shared_ptr<const TextClassifier>> TextClassifier::Load(const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return Parse(bytes, path);
}

Result<std::shared_ptr<const TextClassifier>> TextClassifier::Parse(std::string_view bytes,
                                                                    const std::string& origin) {
  auto bad = [&](const std::string& why) {
    return DataLossError(origin + ": not a valid safegate classifier model: " + why);
  };
  SAFEGATE_ASSIGN_OR_RETURN(internal::ModelFile file,
                            internal::ReadModelFile(bytes, std::string_view(kMagic, sizeof kMagic),
                                                    kFormatVersion, "classifier model", origin));
  std::shared_ptr<TextClassifier> m(new TextClassifier());
  try {
    auto h = nlohmann::json::parse(file.header);
    m->labels_ = h.at("labels").get<std::vector<std::string>>();
    auto& o = m->options_;
    o.hash_bits = GetInt<int>(h.at("hash_bits"));
    o.char_min = GetInt<int>(h.at("char_min"));
    o.char_max = GetInt<int>(h.at("char_max"));
    o.word_max = GetInt<int>(h.at("word_max"));
    o.epochs = GetIntOr<int>(h, "epochs", 0);
    o.learning_rate = h.value("learning_rate", 0.0);
    o.l2 = h.value("l2", 0.0);
    o.balance = h.value("balance", false);
    o.seed = GetIntOr<uint64_t>(h, "seed", 0);
  } catch (const std::exception& e) {
    return bad(std::string("bad header: ") + e.what());
  }
  const auto& o = m->options_;
  if (o.hash_bits < 10 || o.hash_bits > 24 || o.char_min < 1 || o.char_max < o.char_min ||
      o.char_max > 8 || o.word_max < 0 || o.word_max > 4)
    return bad("bad feature options in the header");
  if (m->labels_.size() < 2 || m->labels_.size() > 4096) return bad("bad label count");
  const uint64_t want = (uint64_t{1} << o.hash_bits) * m->labels_.size() + m->labels_.size();
  if (file.weights.size() != want) return bad("weight count does not match");
  m->weights_ = std::move(file.weights);
  m->fingerprint_ = std::to_string(file.checksum % 100000000);
  return std::shared_ptr<const TextClassifier>(m);
}

namespace {

bool IsNegative(const ClassifierJudgeOptions& o, const std::string& label) {
  for (const auto& n : o.negative_labels) {
    if (n.size() != label.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < n.size() && eq; ++i)
      eq = std::tolower((unsigned char)n[i]) == std::tolower((unsigned char)label[i]);
    if (eq) return true;
  }
  return false;
}

class ClassifierJudge final : public Judge {
 public:
  ClassifierJudge(std::shared_ptr<const TextClassifier> m, ClassifierJudgeOptions o)
      : m_(std::move(m)), o_(std::move(o)), version_("classifier/" + m_->Fingerprint()) {}
  std::string_view name() const override { return "classifier"; }
  std::string_view version() const override { return version_; }
  Result<Verdict> Run(const JudgeInput& input) const override {
    auto p = m_->Predict(input.text);
    Verdict v;
    double pos = 0, best = -1;
    size_t best_k = 0;
    for (size_t k = 0; k < p.size(); ++k) {
      if (IsNegative(o_, m_->labels()[k])) continue;
      pos += p[k];
      if (p[k] > best) best = p[k], best_k = k;
    }
    bool flagged = pos >= o_.threshold;
    if (o_.category.empty()) {
      for (size_t k = 0; k < p.size(); ++k) {
        if (IsNegative(o_, m_->labels()[k])) continue;
        v.categories.push_back({m_->labels()[k], p[k], flagged && k == best_k});
      }
    } else {
      v.categories.push_back({o_.category, pos, flagged});
    }
    v.label = flagged ? "flagged" : "clean";
    v.score = pos;
    return v;
  }

 private:
  std::shared_ptr<const TextClassifier> m_;
  ClassifierJudgeOptions o_;
  std::string version_;
};

}  // namespace

std::unique_ptr<Judge> NewClassifierJudge(std::shared_ptr<const TextClassifier> model,
                                          const ClassifierJudgeOptions& options) {
  return std::make_unique<ClassifierJudge>(std::move(model), options);
}

}  // namespace safegate::judge
