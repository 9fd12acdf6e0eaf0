// A trainable text classifier: multinomial logistic regression on hashed
// character n-grams (1-5 code points, so it works for Chinese without word
// segmentation) and word uni- to trigrams, with calibrated probabilities.
//
// Features (formats 2 and 3): each n-gram is hashed to one of 2^hash_bits
// buckets; a bucket's value is 1 + log(count) (sublinear tf); the character
// n-grams and the word n-grams are two blocks, each scaled to unit length.
// Format 3 (2026-12-07) adds an optional clean-up of the text before the
// features (`preprocess`) and class weights with a power (`class_weight`);
// format 2 files are format 3 without them and load and score as before.
// Format 4 (2026-12-07) adds two feature options: character n-grams within
// words (`char_words`) and tf-idf (`idf`, the idf of every bucket stored
// after the weights); a model trained without them is written as format 3,
// which older safegates read. Format 5 (2026-12-07) adds an optional hidden
// layer (`hidden`, see below), written only when it is on. Format 1 files (before 2026-12) weighted
// every occurrence by 1/sqrt(total n-grams); they still load and score as before, with no
// calibration and no thresholds.
//
// Training (solver "lbfgs", the default): a stratified, seeded `validation`
// share of the examples is held out; L-BFGS minimises the L2-regularised
// log-loss on the rest (deterministic: same data and options, same bytes);
// on the held-out share it then fits, for each label, Platt scaling of that
// label's log-odds (stats/calibration.h) and per-label decision offsets that
// maximise `tune` (macro F1 by default). With `folds` (format 3) the
// calibration and the offsets are fitted instead on every example scored by
// a model trained on the other folds (cross-fitting), and the saved model is
// trained on all examples. The optimiser touches only buckets that occur in
// the training texts. Solver "sgd" is the format-1 trainer
// (plain SGD with a linear learning-rate decay), kept for comparison.
//
// With `hidden` (format 5) a second scorer reads the same features: each
// feature's bucket, modulo 2^hidden_bits, picks a row of `hidden`
// embedding values; the rows summed with the feature values, plus a bias,
// pass a ReLU and a linear layer to one logit per label. It is trained by
// plain SGD (seeded shuffle, learning rate decaying linearly to 0, class
// weights as the linear model's, cross-entropy on the labels), one thread, on
// the same examples as the linear model (with `folds`, once per fold, so the
// calibration and the offsets see its out-of-fold scores too). The model's
// logits are the linear model's plus `hidden_weight` times the hidden
// layer's, the weight (0, 0.05, .., 2) with the least log-loss on those
// out-of-fold (or held-out) scores; the calibration and the decision offsets
// are fitted on the sum.
//
// Model file (little-endian): magic "SGCLFMDL", u32 format version, u32 header
// length, a JSON header (labels, hash bits, n-gram ranges, training
// parameters, calibration, offsets, tool version), the weights (f32, labels x
// 2^hash_bits + bias, then with idf 2^hash_bits idf values, then with hidden
// the embeddings (2^hidden_bits x hidden), their bias (hidden), the output
// layer (labels x hidden) and its bias (labels)), and a trailing
// u64 FNV-1a checksum of everything before it. Load() rejects a wrong magic, a truncated file or a
// checksum mismatch with kDataLoss, and a format version it does not read with kInvalidArgument,
// each with a message naming the file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::judge {

struct ClassifierTrainOptions {
  int hash_bits = 18;  // 2^hash_bits feature buckets, 10..24
  int char_min = 1;    // character n-gram lengths (code points)
  int char_max = 5;
  int word_max = 3;  // word n-grams 1..word_max (0 = none)
  // Character n-grams within words (format 4): an n-gram spans one word and
  // the spaces at its two edges (" cat", "cat "), never two words; false =
  // across word boundaries (" a ca"), as formats 1-3.
  bool char_words = false;
  // tf-idf (format 4): each bucket's 1 + log(count) is multiplied by its
  // idf, 1 + log((1 + texts) / (1 + texts with the bucket)) over the training
  // texts, before the blocks are scaled; the model file stores the idf.
  bool idf = false;
  std::string solver = "lbfgs";  // "lbfgs" or "sgd"
  // lbfgs: maximum iterations (0 = 40); sgd: passes over the data (0 = 8).
  int epochs = 0;
  double learning_rate = 0.5;  // sgd only
  // L2 penalty (lbfgs: on the mean log-loss, per weight; sgd: weight decay).
  // A negative value means the default: lbfgs 2e-5, sgd 1e-7.
  double l2 = -1;
  bool balance = false;  // weight examples by 1 / class frequency (class_weight 1)
  // Example weights by label: (examples / (labels x examples of the label))
  // to this power; 0 = equal weights, 1 = balanced, 0.5 = half way. Format 3.
  double class_weight = 0;
  // Clean-up of the text before the features (format 3): "" = none; "social"
  // = posts from social media: HTML entities decoded (&amp; &#8220;), each
  // URL and each @mention becomes one placeholder word, the retweet marker
  // "RT" is dropped, and a letter repeated more than twice is cut to two
  // ("soooo" -> "soo").
  std::string preprocess;
  // lbfgs: share of the examples held out (stratified, seeded) for the
  // calibration and the decision offsets; 0 = neither (raw probabilities,
  // most probable label). Used only when every label has at least 2 examples
  // there and in the rest.
  double validation = 0.15;
  // lbfgs, format 3: cross-fitting instead of the held-out share when >= 2:
  // the examples are dealt (stratified, seeded) into `folds` parts, each part
  // is scored by a model trained on the others, the calibration and the
  // offsets are fitted on those scores of every example, and the model is
  // then trained on all examples (folds + 1 trainings). Used only when every
  // label has at least 2 x folds examples.
  int folds = 0;
  // What the decision offsets maximise on the held-out share: "macro-f1",
  // "accuracy", "none" (most probable label), or "f1:LABEL" = that label's F1
  // with only that label's offset moved (the other labels keep the most
  // probable of them; e.g. raise a rare class without trading the big ones
  // against each other).
  std::string tune = "macro-f1";
  // With soft targets (Train's `targets`): the share of each example's target
  // distribution that comes from them, in [0, 1]; the rest is its label.
  double soft_share = 1.0;
  // lbfgs: NB scaling (Wang and Manning 2012) when > 0: each label's weight
  // of a bucket has an L2 prior scaled by |log-count ratio| of that label
  // against the others (binary occurrences in the training rows, smoothed by
  // this count). The scaling is folded into the saved weights, so scoring is
  // unchanged; the header records "nb_alpha".
  double nb_alpha = 0;
  // One hidden layer of this many ReLU units (1..256) next to the linear
  // model, logits added with a fitted weight (format 5; see the top of this
  // file); 0 = none.
  // lbfgs only, not with soft targets.
  int hidden = 0;
  int hidden_bits = 15;      // embedding rows: 2^hidden_bits, 10..hash_bits
  int hidden_epochs = 5;     // SGD passes over the examples, 1..200
  double hidden_lr = 0.2;    // SGD learning rate at the start, (0, 10]
  double hidden_weight = 1;  // set by Train: the hidden layer's weight in the logits
  // Set by Train (recorded in the model header): trained on soft targets.
  bool soft_targets = false;
  uint64_t seed = 1;
};

// What training measured on its held-out share, or with folds on every
// example scored by the model of the other folds (development figures: the
// offsets were chosen on the same items).
struct ClassifierValidation {
  uint64_t examples = 0;        // 0 = no held-out share
  double accuracy_raw = 0;      // most probable label
  double accuracy = 0;          // with the decision offsets
  double macro_f1 = 0;          // with the decision offsets
  std::vector<double> ece_raw;  // per label, softmax probability (10 bins)
  std::vector<double> ece;      // per label, calibrated probability
};

// An example's soft target: label -> non-negative weight (say, how many
// annotators chose it), at least one positive; normalised to sum 1.
using SoftTarget = std::map<std::string, double>;

class TextClassifier {
 public:
  // Trains on parallel lists (same length, at least 2 distinct labels).
  static Result<std::shared_ptr<const TextClassifier>> Train(const std::vector<std::string>& texts,
                                                             const std::vector<std::string>& labels,
                                                             const ClassifierTrainOptions& options);
  // The same with soft targets (empty = none, else one per example; every
  // label named must be one of `labels`): the optimiser minimises the
  // cross-entropy against (1 - soft_share) x the label + soft_share x the
  // normalised target instead of against the label alone. The label still
  // decides the stratified splits, the class weights, the calibration and the
  // decision offsets (what the model is judged on). Not a format change: the
  // scoring is the same; the header records "soft_targets".
  static Result<std::shared_ptr<const TextClassifier>> Train(const std::vector<std::string>& texts,
                                                             const std::vector<std::string>& labels,
                                                             const std::vector<SoftTarget>& targets,
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

  // Calibrated probabilities, one per label in labels() order: label k's
  // Platt-scaled probability that the text is of label k (one against the
  // rest, so they need not sum to 1). Without calibration (format 1,
  // validation 0): the softmax probabilities.
  std::vector<double> Predict(std::string_view text) const;
  // The softmax probabilities of the logistic regression (sum to 1).
  std::vector<double> PredictRaw(std::string_view text) const;
  // The decided label's index: the largest log-probability plus the label's
  // decision offset (all 0 without tuning = the most probable label).
  // `probability` gets its calibrated probability.
  size_t PredictIndex(std::string_view text, double* probability = nullptr) const;
  // PredictIndex and Predict in one pass over the text: the decided label's
  // index, and every label's calibrated probability in `probabilities`.
  size_t Classify(std::string_view text, std::vector<double>* probabilities) const;

  uint32_t format_version() const { return format_version_; }
  bool calibrated() const { return !platt_a_.empty(); }
  const std::vector<double>& decision_offsets() const { return offsets_; }
  const ClassifierValidation& validation() const { return validation_; }

  // A short content hash of the weights, for version strings.
  std::string Fingerprint() const { return fingerprint_; }

 private:
  TextClassifier() = default;
  std::vector<double> Logits(std::string_view text) const;
  std::vector<double> Calibrate(const std::vector<double>& logits) const;
  std::vector<std::string> labels_;
  ClassifierTrainOptions options_;
  uint32_t format_version_ = 3;
  std::vector<float> weights_;             // labels x (2^bits) then labels biases
  std::vector<float> idf_;                 // 2^bits with options_.idf, else empty
  std::vector<float> hidden_;              // the hidden layer (format 5), else empty
  std::vector<double> platt_a_, platt_b_;  // per label; empty = uncalibrated
  std::vector<double> offsets_;            // per label decision offsets
  ClassifierValidation validation_;
  std::string fingerprint_;
};

// The "social" clean-up of ClassifierTrainOptions::preprocess: "RT @bob: I
// loooove it &amp; http://t.co/x" -> "   atuser : I loove it &  httpurl ".
std::string CleanSocialText(std::string_view text);

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
  // When set: the labels reported, each under its category (several labels
  // may share one; the highest probability stands), with the label's
  // calibrated probability as the score; other labels are not reported.
  std::map<std::string, std::string> label_categories;
  // Per-category thresholds for label_categories (others use `threshold`).
  std::map<std::string, double> thresholds;
  // The script the model was trained on: "" = any text; "latin" or "cjk" =
  // judge only texts where at least half of the word characters are of that
  // script (Latin letters; Chinese, Japanese, Thai... characters), so that a
  // model does not score a language it never saw. Other texts get score 0,
  // not flagged.
  std::string script;
};

// The share of a text's word characters in `script` ("latin" or "cjk"); 0
// for a text with none.
double ScriptShare(std::string_view text, std::string_view script);

// Verdict: label "flagged"/"clean"; no evidence spans (the whole text
// decided). Without label_categories: score = the positive probability (for
// a calibrated model with one negative label, 1 - that label's calibrated
// probability; otherwise the softmax mass of the positive labels);
// categories = each positive label with its calibrated probability (or one
// entry `category` with the positive probability). With label_categories:
// one entry per mapped category, flagged at its threshold; score = the
// highest of them.
std::unique_ptr<Judge> NewClassifierJudge(std::shared_ptr<const TextClassifier> model,
                                          const ClassifierJudgeOptions& options = {});

}  // namespace safegate::judge
