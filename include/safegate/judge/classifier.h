// A trainable text classifier: multinomial logistic regression on hashed
// character n-grams (1-4 code points, so it works for Chinese without word
// segmentation) and word uni- and bigrams, trained by SGD with a seed.
//
// Model file (little-endian): magic "SGCLFMDL", u32 format version, u32 header
// length, a JSON header (labels, hash bits, n-gram ranges, training
// parameters, tool version), the weights (f32, labels x 2^hash_bits + bias),
// and a trailing u64 FNV-1a checksum of everything before it. Load() rejects a
// wrong magic, an unknown version, a truncated file or a checksum mismatch
// with kDataLoss and a message naming the file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::judge {

struct ClassifierTrainOptions {
  int hash_bits = 20;  // 2^hash_bits feature buckets, 10..24
  int char_min = 1;    // character n-gram lengths (code points)
  int char_max = 4;
  int word_max = 2;  // word n-grams 1..word_max (0 = none)
  int epochs = 8;
  double learning_rate = 0.5;
  double l2 = 1e-7;
  bool balance = false;  // weight examples by 1 / class frequency
  uint64_t seed = 1;
};

class TextClassifier {
 public:
  // Trains on parallel lists (same length, at least 2 distinct labels).
  static Result<std::shared_ptr<const TextClassifier>> Train(const std::vector<std::string>& texts,
                                                             const std::vector<std::string>& labels,
                                                             const ClassifierTrainOptions& options);

  // Serialises as described above; Save writes atomically.
  std::string Serialize() const;
  Status Save(const std::string& path) const;
  static Result<std::shared_ptr<const TextClassifier>> Load(const std::string& path);
  // `origin` names the data in errors.
  static Result<std::shared_ptr<const TextClassifier>> Parse(std::string_view bytes,
                                                             const std::string& origin);

  const std::vector<std::string>& labels() const { return labels_; }
  const ClassifierTrainOptions& options() const { return options_; }

  // Class probabilities (softmax), one per label, in labels() order.
  std::vector<double> Predict(std::string_view text) const;
  // The most probable label's index.
  size_t PredictIndex(std::string_view text, double* probability = nullptr) const;

  // A short content hash of the weights, for version strings.
  std::string Fingerprint() const { return fingerprint_; }

 private:
  TextClassifier() = default;
  std::vector<std::string> labels_;
  ClassifierTrainOptions options_;
  std::vector<float> weights_;  // labels x (2^bits) then labels biases
  std::string fingerprint_;
};

// Calls `fn(bucket)` for each hashed feature of `text` (exposed for tests).
void ForEachFeature(std::string_view text, const ClassifierTrainOptions& options,
                    const std::function<void(uint32_t)>& fn);

struct ClassifierJudgeOptions {
  // Labels that mean "nothing to report" (compared case-insensitively):
  // the judge flags when the probability mass of the other labels reaches
  // `threshold`.
  std::vector<std::string> negative_labels = {"0",    "clean", "safe",     "neither",
                                              "none", "ok",    "negative", "2_neither"};
  double threshold = 0.5;
  // Category reported when flagged; empty = the most probable positive label.
  std::string category;
};

// Verdict: label "flagged"/"clean"; score = positive probability mass;
// categories = each positive label with its probability (or one entry
// `category`); no evidence spans (the whole text decided).
std::unique_ptr<Judge> NewClassifierJudge(std::shared_ptr<const TextClassifier> model,
                                          const ClassifierJudgeOptions& options = {});

}  // namespace safegate::judge
