// Multinomial logistic regression on hashed n-grams (see classifier.h).
#include "safegate/judge/classifier.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <thread>

#include "model_file.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"
#include "safegate/stats/calibration.h"
#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"

namespace safegate::judge {
namespace {

constexpr char kMagic[8] = {'S', 'G', 'C', 'L', 'F', 'M', 'D', 'L'};
constexpr uint32_t kFormatVersion = 5;  // 3: class_weight, preprocess; 4: char_words; 5: hidden
constexpr uint32_t kOldestVersion = 1;  // format 1: no calibration, other feature weights

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

bool IsAsciiWordByte(unsigned char c) {
  return std::isalnum(c) || c == '_';
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The code point of an HTML entity's name ("amp", "#8220", "#x201C"); 0 = not one.
char32_t EntityCodePoint(std::string_view name) {
  if (name == "amp") return '&';
  if (name == "lt") return '<';
  if (name == "gt") return '>';
  if (name == "quot") return '"';
  if (name == "apos") return '\'';
  if (name == "nbsp") return 0xA0;
  if (name.size() < 2 || name[0] != '#') return 0;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 7) return 0;
  uint32_t cp = 0;
  for (char c : digits) {
    int d = c >= '0' && c <= '9'          ? c - '0'
            : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
            : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
    if (d < 0) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return static_cast<char32_t>(cp);
}

}  // namespace

std::string CleanSocialText(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 8);
  for (size_t i = 0; i < in.size();) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '&') {
      size_t semi = in.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 9) {
        if (char32_t cp = EntityCodePoint(in.substr(i + 1, semi - i - 1))) {
          text::AppendUtf8(cp, &out);
          i = semi + 1;
          continue;
        }
      }
    }
    const bool word_start = i == 0 || !IsAsciiWordByte(static_cast<unsigned char>(in[i - 1]));
    std::string_view rest = in.substr(i);
    if (word_start && (StartsWithNoCase(rest, "http://") || StartsWithNoCase(rest, "https://") ||
                       StartsWithNoCase(rest, "www."))) {
      while (i < in.size() && !std::isspace(static_cast<unsigned char>(in[i]))) ++i;
      out += " httpurl ";
      continue;
    }
    if (c == '@' && word_start && i + 1 < in.size() &&
        IsAsciiWordByte(static_cast<unsigned char>(in[i + 1]))) {
      ++i;
      while (i < in.size() && IsAsciiWordByte(static_cast<unsigned char>(in[i]))) ++i;
      out += " atuser ";
      continue;
    }
    if (word_start && StartsWithNoCase(rest, "rt") &&
        (rest.size() == 2 || !IsAsciiWordByte(static_cast<unsigned char>(rest[2])))) {
      i += 2;
      out += ' ';
      continue;
    }
    if (std::isalpha(c) && out.size() >= 2 && static_cast<unsigned char>(out.back()) == c &&
        static_cast<unsigned char>(out[out.size() - 2]) == c) {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

namespace {

// Calls fn(bucket, is_word) for each n-gram, the character n-grams first.
template <typename Fn>
void ForEachNgram(std::string_view raw, const ClassifierTrainOptions& o, Fn&& fn) {
  text::NormalizedText nt;
  if (o.preprocess == "social") {
    thread_local std::string cleaned;
    cleaned = CleanSocialText(raw);
    Norm().Normalize(cleaned, &nt);
  } else {
    Norm().Normalize(raw, &nt);
  }
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
  // Character n-grams. With char_words (format 4) an n-gram stays within one
  // word and its two edge spaces (" cat", "at "): a space may only be its
  // first or its last code point.
  for (size_t i = 0; i < cps.size(); ++i) {
    uint64_t h = 0xcbf29ce484222325ULL ^ 0x11;
    for (int n = 1; n <= o.char_max && i + n <= cps.size(); ++n) {
      h = Fnv1a64(cps[i + n - 1], h);
      if (n >= o.char_min && !(n == 1 && !word[i]))
        fn(Bucket(h * 0x9E3779B97F4A7C15ULL + n, o.hash_bits), false);
      if (o.char_words && n > 1 && !word[i + n - 1]) break;
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
    fn(Bucket(h * 0xC2B2AE3D27D4EB4FULL + 101, o.hash_bits), true);
    for (int n = 2; n <= o.word_max && i + n <= words.size(); ++n) {
      h = h * 0x100000001B3ULL ^ words[i + n - 1];
      fn(Bucket(h * 0xC2B2AE3D27D4EB4FULL + 101 + n, o.hash_bits), true);
    }
  }
}

using SparseRow = std::vector<std::pair<uint32_t, float>>;

// Appends the distinct buckets of `b`, in the order of their first
// occurrence, with 1 + log(count) (times the bucket's idf when `idf` is set),
// scaled to unit length. Counts with a small
// open-addressing table (a sort of the buckets cost twice as much).
void AppendBlock(std::vector<uint32_t>* b, const float* idf, SparseRow* out) {
  if (b->empty()) return;
  constexpr uint32_t kEmpty = 0xFFFFFFFFu;  // buckets are below 2^24
  thread_local std::vector<uint32_t> keys, counts, slots;
  size_t cap = 64;
  while (cap < 2 * b->size()) cap <<= 1;
  if (keys.size() < cap) {
    keys.assign(cap, kEmpty);
    counts.assign(cap, 0);
  }
  const size_t mask = cap - 1;
  slots.clear();
  for (uint32_t x : *b) {
    size_t h = (x * 0x9E3779B1u) & mask;
    while (keys[h] != kEmpty && keys[h] != x) h = (h + 1) & mask;
    if (keys[h] == kEmpty) {
      keys[h] = x;
      counts[h] = 0;
      slots.push_back(static_cast<uint32_t>(h));
    }
    ++counts[h];
  }
  const size_t first = out->size();
  double norm = 0;
  for (uint32_t h : slots) {
    double v = counts[h] == 1 ? 1.0 : 1.0 + std::log(static_cast<double>(counts[h]));
    if (idf) v *= idf[keys[h]];
    norm += v * v;
    out->push_back({keys[h], static_cast<float>(v)});
    keys[h] = kEmpty;
  }
  const double inv = 1.0 / std::sqrt(norm);
  for (size_t i = first; i < out->size(); ++i)
    (*out)[i].second = static_cast<float>((*out)[i].second * inv);
}

// The sparse feature vector of a text as the model's format defines it.
// Format 2: the character and the word n-grams are two blocks, each of unit
// length (so that the many character n-grams do not drown the words); a
// bucket in both blocks appears twice.
// With `idf` (format 4), each bucket's value is multiplied by its idf
// before the scaling.
void Featurize(std::string_view text, const ClassifierTrainOptions& o, uint32_t version,
               const float* idf, SparseRow* out) {
  thread_local std::vector<uint32_t> chars, words;
  chars.clear();
  words.clear();
  ForEachNgram(text, o, [&](uint32_t b, bool word) { (word ? words : chars).push_back(b); });
  out->clear();
  if (version == 1) {
    // Format 1: every occurrence weighs 1/sqrt(total occurrences).
    chars.insert(chars.end(), words.begin(), words.end());
    if (chars.empty()) return;
    std::sort(chars.begin(), chars.end());
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(chars.size())));
    for (size_t i = 0; i < chars.size();) {
      size_t j = i;
      while (j < chars.size() && chars[j] == chars[i]) ++j;
      out->push_back({chars[i], scale * static_cast<float>(j - i)});
      i = j;
    }
    return;
  }
  AppendBlock(&chars, idf, out);
  AppendBlock(&words, idf, out);
}

// log(sum_{j != k} exp(z_j)) for every k; K >= 2.
std::vector<double> LogOdds(const std::vector<double>& z) {
  const size_t K = z.size();
  std::vector<double> s(K);
  for (size_t k = 0; k < K; ++k) {
    double mx = -std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < K; ++j)
      if (j != k) mx = std::max(mx, z[j]);
    double sum = 0;
    for (size_t j = 0; j < K; ++j)
      if (j != k) sum += std::exp(z[j] - mx);
    s[k] = z[k] - (mx + std::log(sum));
  }
  return s;
}

std::vector<double> Softmax(std::vector<double> z) {
  double mx = *std::max_element(z.begin(), z.end()), sum = 0;
  for (auto& v : z) sum += (v = std::exp(v - mx));
  for (auto& v : z) v /= sum;
  return z;
}

// A deterministic Fisher-Yates shuffle (std::shuffle's draws differ between
// standard libraries; model files must not).
template <typename T>
void Shuffle(std::vector<T>* v, std::mt19937_64* rng) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[(*rng)() % i]);
}

// Training examples over compact columns (the buckets that occur).
struct Design {
  std::vector<uint64_t> start;  // row i: [start[i], start[i+1])
  std::vector<uint32_t> col;
  std::vector<float> val;
  std::vector<uint32_t> y;
  std::vector<double> weight;  // per example, sums to 1
  std::vector<double> target;  // rows x K soft targets (each sums to 1); empty = y
  size_t rows() const { return y.size(); }
};

// f(x) = sum_i weight_i (logsumexp(z_i) - z_i[y_i]) + l2/2 |W|^2 (with soft
// targets q_i: logsumexp(z_i) - sum_k q_ik z_ik) and its
// gradient; x = columns x K weights, then K biases. The rows are split in two
// fixed halves, each summed on its own thread, so the result does not depend
// on how many cores there are.
//
// With `scale` (cols x K, NB scaling): the weights the data see are x_j
// scale_j, so the gradient of the log-loss is multiplied by scale_j and the
// L2 penalty stays on x (a per-weight prior whose width is scale_j).
double Objective(const Design& d, size_t K, size_t cols, double l2, const std::vector<double>& xin,
                 const std::vector<double>& scale, std::vector<double>* grad) {
  const size_t D = cols * K + K;
  thread_local std::vector<double> xs;
  if (!scale.empty()) {
    xs = xin;
    for (size_t j = 0; j < cols * K; ++j) xs[j] *= scale[j];
  }
  const std::vector<double>& x = scale.empty() ? xin : xs;
  std::vector<double> g2(D, 0.0);
  double loss[2] = {0, 0};
  auto work = [&](int part, std::vector<double>* g) {
    size_t lo = part == 0 ? 0 : d.rows() / 2, hi = part == 0 ? d.rows() / 2 : d.rows();
    std::vector<double> z(K);
    const double* bias = x.data() + cols * K;
    double* gb = g->data() + cols * K;
    for (size_t i = lo; i < hi; ++i) {
      for (size_t k = 0; k < K; ++k) z[k] = bias[k];
      for (uint64_t e = d.start[i]; e < d.start[i + 1]; ++e) {
        const double* w = x.data() + size_t{d.col[e]} * K;
        for (size_t k = 0; k < K; ++k) z[k] += w[k] * d.val[e];
      }
      double mx = *std::max_element(z.begin(), z.end()), sum = 0;
      for (size_t k = 0; k < K; ++k) sum += std::exp(z[k] - mx);
      double lse = mx + std::log(sum);
      if (d.target.empty()) {
        loss[part] += d.weight[i] * (lse - z[d.y[i]]);
        for (size_t k = 0; k < K; ++k) z[k] = d.weight[i] * (std::exp(z[k] - lse) - (k == d.y[i]));
      } else {
        const double* q = d.target.data() + i * K;
        double dot = 0;
        for (size_t k = 0; k < K; ++k) dot += q[k] * z[k];
        loss[part] += d.weight[i] * (lse - dot);
        for (size_t k = 0; k < K; ++k) z[k] = d.weight[i] * (std::exp(z[k] - lse) - q[k]);
      }
      for (size_t k = 0; k < K; ++k) gb[k] += z[k];
      for (uint64_t e = d.start[i]; e < d.start[i + 1]; ++e) {
        double* g1 = g->data() + size_t{d.col[e]} * K;
        for (size_t k = 0; k < K; ++k) g1[k] += z[k] * d.val[e];
      }
    }
  };
  grad->assign(D, 0.0);
  {
    std::thread t(work, 1, &g2);
    work(0, grad);
    t.join();
  }
  double reg = 0;
  if (scale.empty()) {
    for (size_t j = 0; j < cols * K; ++j) {
      (*grad)[j] += g2[j] + l2 * xin[j];
      reg += xin[j] * xin[j];
    }
  } else {
    for (size_t j = 0; j < cols * K; ++j) {
      (*grad)[j] = scale[j] * ((*grad)[j] + g2[j]) + l2 * xin[j];
      reg += xin[j] * xin[j];
    }
  }
  for (size_t j = cols * K; j < D; ++j) (*grad)[j] += g2[j];
  return loss[0] + loss[1] + 0.5 * l2 * reg;
}

// Limited-memory BFGS (Nocedal and Wright, algorithm 7.4) with a backtracking
// Armijo line search; starts from x.
void Lbfgs(const Design& d, size_t K, size_t cols, double l2, int max_iterations,
           const std::vector<double>& scale, std::vector<double>* x) {
  constexpr int kMemory = 8;
  const size_t D = x->size();
  std::vector<double> g, gn, xn(D), dir(D);
  double f = Objective(d, K, cols, l2, *x, scale, &g);
  std::vector<std::vector<double>> S, Y;
  std::vector<double> rho;
  auto dot = [](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
  };
  for (int it = 0; it < max_iterations; ++it) {
    double gmax = 0;
    for (double v : g) gmax = std::max(gmax, std::fabs(v));
    if (gmax < 1e-7) break;
    // Two-loop recursion: dir = -H g.
    dir = g;
    std::vector<double> alpha(S.size());
    for (size_t j = S.size(); j-- > 0;) {
      alpha[j] = rho[j] * dot(S[j], dir);
      for (size_t i = 0; i < D; ++i) dir[i] -= alpha[j] * Y[j][i];
    }
    double gamma =
        S.empty() ? 1.0 / std::sqrt(dot(g, g)) : dot(S.back(), Y.back()) / dot(Y.back(), Y.back());
    for (auto& v : dir) v *= gamma;
    for (size_t j = 0; j < S.size(); ++j) {
      double beta = rho[j] * dot(Y[j], dir);
      for (size_t i = 0; i < D; ++i) dir[i] += S[j][i] * (alpha[j] - beta);
    }
    for (auto& v : dir) v = -v;
    double slope = dot(g, dir);
    if (!(slope < 0)) {  // not a descent direction: restart from steepest descent
      S.clear(), Y.clear(), rho.clear();
      for (size_t i = 0; i < D; ++i) dir[i] = -g[i] / std::sqrt(dot(g, g));
      slope = dot(g, dir);
    }
    double step = 1, fn = 0;
    bool moved = false;
    for (int tries = 0; tries < 30; ++tries, step *= 0.5) {
      for (size_t i = 0; i < D; ++i) xn[i] = (*x)[i] + step * dir[i];
      fn = Objective(d, K, cols, l2, xn, scale, &gn);
      if (fn <= f + 1e-4 * step * slope) {
        moved = true;
        break;
      }
    }
    if (!moved) break;
    std::vector<double> s(D), y(D);
    for (size_t i = 0; i < D; ++i) s[i] = xn[i] - (*x)[i], y[i] = gn[i] - g[i];
    double sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.size() == kMemory) S.erase(S.begin()), Y.erase(Y.begin()), rho.erase(rho.begin());
      S.push_back(std::move(s));
      Y.push_back(std::move(y));
      rho.push_back(1 / sy);
    }
    bool done = f - fn < 1e-10 * std::max(1.0, std::fabs(f));
    x->swap(xn);
    g.swap(gn);
    f = fn;
    if (done) break;
  }
}

// Per-label F1 averaged, or accuracy, of `pred` against `truth`.
double Score(const std::vector<uint32_t>& truth, const std::vector<uint32_t>& pred, size_t K,
             bool macro_f1) {
  if (!macro_f1) {
    size_t ok = 0;
    for (size_t i = 0; i < truth.size(); ++i) ok += truth[i] == pred[i];
    return static_cast<double>(ok) / static_cast<double>(truth.size());
  }
  std::vector<double> tp(K, 0), fp(K, 0), fn(K, 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] == pred[i]) {
      tp[truth[i]] += 1;
    } else {
      fp[pred[i]] += 1;
      fn[truth[i]] += 1;
    }
  }
  double sum = 0;
  for (size_t k = 0; k < K; ++k) sum += tp[k] > 0 ? 2 * tp[k] / (2 * tp[k] + fp[k] + fn[k]) : 0.0;
  return sum / static_cast<double>(K);
}

// Label k's F1 of `pred` against `truth`.
double LabelF1(const std::vector<uint32_t>& truth, const std::vector<uint32_t>& pred, uint32_t k) {
  double tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    tp += truth[i] == k && pred[i] == k;
    fp += truth[i] != k && pred[i] == k;
    fn += truth[i] == k && pred[i] != k;
  }
  return tp > 0 ? 2 * tp / (2 * tp + fp + fn) : 0.0;
}

std::vector<uint32_t> Decide(const std::vector<std::vector<double>>& logp,
                             const std::vector<double>& offsets) {
  std::vector<uint32_t> out(logp.size());
  for (size_t i = 0; i < logp.size(); ++i) {
    size_t best = 0;
    for (size_t k = 1; k < offsets.size(); ++k)
      if (logp[i][k] + offsets[k] > logp[i][best] + offsets[best]) best = k;
    out[i] = static_cast<uint32_t>(best);
  }
  return out;
}

// The hidden layer's parameters (format 5), one float vector: embeddings
// (2^hidden_bits x H), their bias (H), the output layer (K x H), its bias (K).
size_t HiddenSize(const ClassifierTrainOptions& o, size_t K) {
  const size_t H = static_cast<size_t>(o.hidden);
  return (size_t{1} << o.hidden_bits) * H + H + K * H + K;
}

// Adds the hidden layer's logits of `f` to z (K values); `act` gets the
// hidden units' inputs before the ReLU (H values).
void AddHiddenLogits(const std::vector<float>& p, const ClassifierTrainOptions& o, size_t K,
                     const SparseRow& f, double* z, std::vector<float>* act) {
  const size_t H = static_cast<size_t>(o.hidden), rows = size_t{1} << o.hidden_bits;
  const size_t mask = rows - 1;
  const float* b1 = p.data() + rows * H;
  const float* w2 = b1 + H;
  const float* b2 = w2 + K * H;
  act->assign(b1, b1 + H);
  float* __restrict a = act->data();
  const size_t H8 = H & ~size_t{7};
  for (auto [b, v] : f) {
    const float* __restrict e = p.data() + (b & mask) * H;
    // Blocks of 8 (a fixed trip count the compiler vectorises at -O2).
    for (size_t j0 = 0; j0 < H8; j0 += 8)
      for (size_t j = j0; j < j0 + 8; ++j) a[j] += v * e[j];
    for (size_t j = H8; j < H; ++j) a[j] += v * e[j];
  }
  for (size_t k = 0; k < K; ++k) {
    const float* w = w2 + k * H;
    float s = b2[k];
    for (size_t j = 0; j < H; ++j) s += w[j] * std::max(a[j], 0.0f);
    z[k] += s;
  }
}

// Trains the hidden layer on `rows` by SGD (see classifier.h): per-example
// weights `w` (mean 1), the learning rate decaying linearly to 0. One thread
// and a seeded shuffle: the same inputs give the same floats.
std::vector<float> TrainHidden(const std::vector<SparseRow>& feats, const std::vector<uint32_t>& y,
                               const std::vector<double>& w, std::vector<size_t> rows,
                               const ClassifierTrainOptions& o, size_t K) {
  const size_t H = static_cast<size_t>(o.hidden), R = size_t{1} << o.hidden_bits;
  const size_t mask = R - 1;
  std::vector<float> p(HiddenSize(o, K), 0.0f);
  std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ULL + 0x5BD1E995);
  auto uniform = [&](double r) {  // in [-r, r)
    return static_cast<float>(r * (2.0 * static_cast<double>(rng() >> 11) * 0x1.0p-53 - 1.0));
  };
  for (size_t j = 0; j < R * H; ++j) p[j] = uniform(0.05);
  float* b1 = p.data() + R * H;
  float* w2 = b1 + H;
  float* b2 = w2 + K * H;
  const double r2 = std::sqrt(6.0 / static_cast<double>(H + K));
  for (size_t j = 0; j < K * H; ++j) w2[j] = uniform(r2);
  std::vector<float> a(H), g(H);
  std::vector<double> z(K);
  const size_t total = static_cast<size_t>(o.hidden_epochs) * rows.size();
  size_t step = 0;
  for (int epoch = 0; epoch < o.hidden_epochs; ++epoch) {
    Shuffle(&rows, &rng);
    for (size_t i : rows) {
      const float lr = static_cast<float>(
          o.hidden_lr * (1.0 - static_cast<double>(step++) / static_cast<double>(total)));
      std::fill(z.begin(), z.end(), 0.0);
      AddHiddenLogits(p, o, K, feats[i], z.data(), &a);
      z = Softmax(z);
      std::fill(g.begin(), g.end(), 0.0f);
      for (size_t k = 0; k < K; ++k) {
        const float gz = static_cast<float>((z[k] - (k == y[i] ? 1.0 : 0.0)) * w[i]);
        float* wk = w2 + k * H;
        for (size_t j = 0; j < H; ++j) {
          if (a[j] > 0) {
            g[j] += gz * wk[j];
            wk[j] -= lr * gz * a[j];
          }
        }
        b2[k] -= lr * gz;
      }
      for (size_t j = 0; j < H; ++j) b1[j] -= lr * g[j];
      for (auto [b, v] : feats[i]) {
        float* e = p.data() + (b & mask) * H;
        for (size_t j = 0; j < H; ++j) e[j] -= lr * v * g[j];
      }
    }
  }
  return p;
}

}  // namespace

void ForEachFeature(std::string_view raw, const ClassifierTrainOptions& o,
                    const std::function<void(uint32_t)>& fn) {
  ForEachNgram(raw, o, [&](uint32_t b, bool) { fn(b); });
}

Result<std::shared_ptr<const TextClassifier>> TextClassifier::Train(
    const std::vector<std::string>& texts, const std::vector<std::string>& labels,
    const ClassifierTrainOptions& options) {
  return Train(texts, labels, {}, options);
}

Result<std::shared_ptr<const TextClassifier>> TextClassifier::Train(
    const std::vector<std::string>& texts, const std::vector<std::string>& labels,
    const std::vector<SoftTarget>& targets, const ClassifierTrainOptions& options) {
  ClassifierTrainOptions o = options;
  if (!targets.empty() && targets.size() != texts.size())
    return InvalidArgumentError("texts and soft targets differ in length");
  if (!(o.soft_share >= 0 && o.soft_share <= 1))
    return InvalidArgumentError("the soft-target share must be in [0, 1]");
  if (!targets.empty() && o.solver != "lbfgs")
    return InvalidArgumentError("soft targets need the lbfgs solver");
  o.soft_targets = !targets.empty();
  if (texts.size() != labels.size())
    return InvalidArgumentError("texts and labels differ in length");
  if (o.hash_bits < 10 || o.hash_bits > 24) return InvalidArgumentError("hash_bits must be 10..24");
  if (o.char_min < 1 || o.char_max < o.char_min || o.char_max > 8 || o.word_max < 0 ||
      o.word_max > 4 || o.epochs < 0)
    return InvalidArgumentError("invalid training options");
  if (o.solver != "lbfgs" && o.solver != "sgd")
    return InvalidArgumentError("unknown solver '" + o.solver + "'; expected lbfgs or sgd");
  const bool tune_one = o.tune.rfind("f1:", 0) == 0;
  if (o.tune != "macro-f1" && o.tune != "accuracy" && o.tune != "none" && !tune_one)
    return InvalidArgumentError("unknown tuning objective '" + o.tune +
                                "'; expected macro-f1, accuracy, none or f1:LABEL");
  if (!(o.validation >= 0 && o.validation < 0.9))
    return InvalidArgumentError("the validation share must be in [0, 0.9)");
  if (o.folds < 0 || o.folds == 1 || o.folds > 20)
    return InvalidArgumentError("folds must be 0 (none) or 2..20");
  if (!(o.class_weight >= 0 && o.class_weight <= 2))
    return InvalidArgumentError("the class weight power must be in [0, 2]");
  if (!(o.nb_alpha >= 0 && o.nb_alpha <= 100))
    return InvalidArgumentError("the NB smoothing must be in [0, 100]");
  if (o.nb_alpha > 0 && o.solver != "lbfgs")
    return InvalidArgumentError("NB scaling needs the lbfgs solver");
  if (o.preprocess == "none") o.preprocess.clear();
  if (o.preprocess != "" && o.preprocess != "social")
    return InvalidArgumentError("unknown preprocessing '" + o.preprocess +
                                "'; expected social or none");
  if (o.hidden < 0 || o.hidden > 256) return InvalidArgumentError("hidden must be 0..256");
  if (o.hidden > 0) {
    if (o.hidden_bits < 10 || o.hidden_bits > o.hash_bits)
      return InvalidArgumentError("hidden_bits must be 10..hash_bits");
    if (o.hidden_epochs < 1 || o.hidden_epochs > 200)
      return InvalidArgumentError("hidden_epochs must be 1..200");
    if (!(o.hidden_lr > 0 && o.hidden_lr <= 10))
      return InvalidArgumentError("the hidden layer's learning rate must be in (0, 10]");
    if (o.solver != "lbfgs") return InvalidArgumentError("a hidden layer needs the lbfgs solver");
    if (!targets.empty()) return InvalidArgumentError("a hidden layer takes no soft targets");
  }
  if (o.balance && o.class_weight == 0) o.class_weight = 1;
  const bool sgd = o.solver == "sgd";
  if (o.epochs == 0) o.epochs = sgd ? 8 : 40;
  if (o.l2 < 0) o.l2 = sgd ? 1e-7 : 2e-5;
  // NaN fails both tests; a rate past 10 or l2 past 1 sends the weights to infinity.
  if (!(o.learning_rate > 0 && o.learning_rate <= 10) || !(o.l2 >= 0 && o.l2 <= 1))
    return InvalidArgumentError("the learning rate must be in (0, 10] and l2 in [0, 1]");
  std::shared_ptr<TextClassifier> m(new TextClassifier());
  // The oldest format that describes the model: an older safegate reads it.
  m->format_version_ = o.hidden > 0 ? 5 : o.char_words || o.idf ? 4 : 3;
  std::vector<std::string> sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted.size() < 2) return InvalidArgumentError("training needs at least 2 distinct labels");
  m->labels_ = sorted;
  const size_t K = sorted.size();
  auto label_index = [&](const std::string& l) -> int64_t {
    auto it = std::lower_bound(sorted.begin(), sorted.end(), l);
    return it != sorted.end() && *it == l ? it - sorted.begin() : -1;
  };
  const int64_t tune_label = tune_one ? label_index(o.tune.substr(3)) : -1;
  if (tune_one && tune_label < 0)
    return InvalidArgumentError("tuning objective '" + o.tune + "': no label '" + o.tune.substr(3) +
                                "' in the training data");
  // Soft targets: rows x K, each (1 - soft_share) x the label + soft_share x
  // the normalised target.
  std::vector<double> soft;
  if (!targets.empty()) {
    soft.assign(texts.size() * K, 0.0);
    for (size_t i = 0; i < targets.size(); ++i) {
      double sum = 0;
      for (const auto& [l, w] : targets[i]) {
        if (label_index(l) < 0)
          return InvalidArgumentError("example " + std::to_string(i + 1) +
                                      ": soft target names label '" + l +
                                      "', which no example has");
        if (!(w >= 0) || !std::isfinite(w))
          return InvalidArgumentError("example " + std::to_string(i + 1) + ": soft target of '" +
                                      l + "' must be a finite number >= 0");
        sum += w;
      }
      if (!(sum > 0))
        return InvalidArgumentError("example " + std::to_string(i + 1) +
                                    ": soft target has no positive weight");
      double* q = soft.data() + i * K;
      for (const auto& [l, w] : targets[i]) q[label_index(l)] += o.soft_share * w / sum;
      q[label_index(labels[i])] += 1 - o.soft_share;
    }
  }
  const size_t F = size_t{1} << o.hash_bits;
  m->weights_.assign(F * K + K, 0.0f);

  // Featurise once (two threads, each its own half).
  const size_t n = texts.size();
  std::vector<SparseRow> feats(n);
  std::vector<uint32_t> y(n);
  for (size_t i = 0; i < n; ++i)
    y[i] = static_cast<uint32_t>(std::lower_bound(sorted.begin(), sorted.end(), labels[i]) -
                                 sorted.begin());
  {
    auto work = [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i)
        Featurize(texts[i], o, 2, m->idf_.empty() ? nullptr : m->idf_.data(), &feats[i]);
    };
    std::thread t(work, n / 2, n);
    work(0, n / 2);
    t.join();
    if (o.idf) {
      // idf = 1 + log((1 + texts) / (1 + texts with the bucket)), from every
      // training text (no labels); then the rows again with it.
      std::vector<uint32_t> df(F, 0), last(F, 0);
      for (size_t i = 0; i < n; ++i)
        for (auto [b, v] : feats[i])
          if (last[b] != i + 1) last[b] = static_cast<uint32_t>(i + 1), ++df[b];
      m->idf_.resize(F);
      for (size_t b = 0; b < F; ++b)
        m->idf_[b] = static_cast<float>(
            1.0 + std::log((1.0 + static_cast<double>(n)) / (1.0 + static_cast<double>(df[b]))));
      std::thread t2(work, n / 2, n);
      work(0, n / 2);
      t2.join();
    }
  }
  std::mt19937_64 rng(o.seed);

  // The examples the calibration and the decision offsets are chosen on,
  // and the scores the model gives them without having been trained on them:
  // with `folds`, every example, scored by the model of the other folds
  // (cross-fitting), and the model is then trained on all examples; else the
  // held-out share, scored by the model trained on the rest.
  std::vector<std::vector<size_t>> by_label(K);
  for (size_t i = 0; i < n; ++i) by_label[y[i]].push_back(i);
  std::vector<size_t> train_idx, val_idx;
  std::vector<uint32_t> fold(n, 0);
  const bool crossfit = !sgd && o.folds >= 2 && [&] {
    for (const auto& v : by_label)
      if (v.size() < 2 * static_cast<size_t>(o.folds)) return false;
    return true;
  }();
  if (!crossfit) o.folds = 0;  // what the model records: the folds used
  bool held_out = !sgd && !crossfit && o.validation > 0;
  if (crossfit) {
    for (auto& v : by_label) {
      Shuffle(&v, &rng);
      for (size_t j = 0; j < v.size(); ++j) fold[v[j]] = static_cast<uint32_t>(j % o.folds);
    }
  } else if (held_out) {
    for (auto& v : by_label) {
      Shuffle(&v, &rng);
      size_t k = static_cast<size_t>(std::llround(o.validation * static_cast<double>(v.size())));
      if (k < 2 || v.size() - k < 2) held_out = false;
      val_idx.insert(val_idx.end(), v.begin(), v.begin() + std::min(k, v.size()));
      train_idx.insert(train_idx.end(), v.begin() + std::min(k, v.size()), v.end());
    }
  }
  if (!held_out) {
    val_idx.clear();
    train_idx.resize(n);
    std::iota(train_idx.begin(), train_idx.end(), 0);
  } else {
    std::sort(train_idx.begin(), train_idx.end());
    std::sort(val_idx.begin(), val_idx.end());
  }

  // Label counts and example weights (by label) of `rows`.
  auto class_weights = [&](const std::vector<size_t>& rows, std::vector<double>* freq) {
    freq->assign(K, 0.0);
    for (size_t i : rows) (*freq)[y[i]] += 1;
    std::vector<double> cw(K, 1.0);
    if (o.class_weight > 0)
      for (size_t k = 0; k < K; ++k)
        cw[k] = std::pow(static_cast<double>(rows.size()) / (K * std::max(1.0, (*freq)[k])),
                         o.class_weight);
    return cw;
  };
  // L-BFGS on the examples `rows`, into `wts` (labels x 2^bits, then biases),
  // and with `hidden` SGD of the hidden layer into `hid`.
  auto fit = [&](const std::vector<size_t>& rows, std::vector<float>* wts,
                 std::vector<float>* hid) {
    std::vector<double> freq;
    std::vector<double> cw = class_weights(rows, &freq);
    if (o.hidden > 0) {
      double mean = 0;
      for (size_t i : rows) mean += cw[y[i]];
      mean /= static_cast<double>(rows.size());
      std::vector<double> ew(n, 0.0);
      for (size_t i : rows) ew[i] = cw[y[i]] / mean;
      *hid = TrainHidden(feats, y, ew, rows, o, K);
    }
    wts->assign(F * K + K, 0.0f);
    // Compact columns: the buckets that occur in the training rows.
    std::vector<int32_t> col_of(F, -1);
    std::vector<uint32_t> cols;
    for (size_t i : rows)
      for (auto [b, v] : feats[i]) col_of[b] = 0;
    for (size_t b = 0; b < F; ++b)
      if (col_of[b] == 0) {
        col_of[b] = static_cast<int32_t>(cols.size());
        cols.push_back(static_cast<uint32_t>(b));
      }
    Design d;
    d.start.push_back(0);
    double total_w = 0;
    for (size_t i : rows) total_w += cw[y[i]];
    for (size_t i : rows) {
      for (auto [b, v] : feats[i]) {
        d.col.push_back(static_cast<uint32_t>(col_of[b]));
        d.val.push_back(v);
      }
      d.start.push_back(d.col.size());
      d.y.push_back(y[i]);
      d.weight.push_back(cw[y[i]] / total_w);
      if (!soft.empty())
        d.target.insert(d.target.end(), soft.begin() + i * K, soft.begin() + (i + 1) * K);
    }
    // NB scaling (Wang and Manning 2012): each label's weight of a column
    // is scaled by |log-count ratio| of that label against the others, from
    // the rows' binary occurrences, smoothed by nb_alpha.
    std::vector<double> scale;
    if (o.nb_alpha > 0) {
      const size_t C = cols.size();
      std::vector<double> cnt(C * K, 0.0), tot(K, 0.0);
      for (size_t i : rows)
        for (auto [b, v] : feats[i]) cnt[size_t(col_of[b]) * K + y[i]] += 1;
      std::vector<double> all(C, 0.0);
      double sum_all = 0;
      for (size_t c = 0; c < C; ++c)
        for (size_t k = 0; k < K; ++k) {
          all[c] += cnt[c * K + k];
          tot[k] += cnt[c * K + k];
        }
      for (size_t k = 0; k < K; ++k) sum_all += tot[k];
      const double a = o.nb_alpha;
      scale.resize(C * K);
      for (size_t k = 0; k < K; ++k) {
        const double np = tot[k] + a * C, nq = (sum_all - tot[k]) + a * C;
        for (size_t c = 0; c < C; ++c) {
          const double p = cnt[c * K + k] + a, q = all[c] - cnt[c * K + k] + a;
          scale[c * K + k] = std::fabs(std::log((p / np) / (q / nq)));
        }
      }
    }
    std::vector<double> x(cols.size() * K + K, 0.0);
    for (size_t k = 0; k < K; ++k)  // start from the label frequencies
      x[cols.size() * K + k] = std::log((freq[k] + 1) / (rows.size() + K));
    Lbfgs(d, K, cols.size(), o.l2, o.epochs, scale, &x);
    if (!scale.empty())
      for (size_t j = 0; j < scale.size(); ++j) x[j] *= scale[j];
    float* w = wts->data();
    for (size_t c = 0; c < cols.size(); ++c)
      for (size_t k = 0; k < K; ++k) w[size_t{cols[c]} * K + k] = static_cast<float>(x[c * K + k]);
    for (size_t k = 0; k < K; ++k) w[F * K + k] = static_cast<float>(x[cols.size() * K + k]);
  };
  // The logits of example i under the weights `wts` (as saved: float), then
  // with `hidden` the hidden layer `hid`'s logits (2K values).
  auto logits = [&](const std::vector<float>& wts, const std::vector<float>& hid, size_t i) {
    std::vector<double> z(o.hidden > 0 ? 2 * K : K, 0.0);
    for (size_t k = 0; k < K; ++k) z[k] = wts[F * K + k];
    for (auto [b, v] : feats[i])
      for (size_t k = 0; k < K; ++k) z[k] += static_cast<double>(wts[b * K + k]) * v;
    if (o.hidden > 0) {
      std::vector<float> act;
      AddHiddenLogits(hid, o, K, feats[i], z.data() + K, &act);
    }
    return z;
  };

  std::vector<size_t> eval_idx;         // the examples of the calibration and the offsets
  std::vector<std::vector<double>> zs;  // their logits, from a model not trained on them
  if (sgd) {
    std::vector<double> freq;
    std::vector<double> cw = class_weights(train_idx, &freq);
    float* w = m->weights_.data();
    float* bias = w + F * K;
    std::vector<size_t> order = train_idx;
    std::vector<double> z(K);
    const size_t total = static_cast<size_t>(o.epochs) * order.size();
    size_t step = 0;
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
      Shuffle(&order, &rng);
      for (size_t idx : order) {
        const auto& f = feats[idx];
        double lr = o.learning_rate * (1.0 - static_cast<double>(step++) / total) + 1e-4;
        for (size_t k = 0; k < K; ++k) z[k] = bias[k];
        for (auto [b, v] : f)
          for (size_t k = 0; k < K; ++k) z[k] += w[b * K + k] * v;
        z = Softmax(z);
        for (size_t k = 0; k < K; ++k) {
          double g = (z[k] - (k == y[idx] ? 1.0 : 0.0)) * cw[y[idx]];
          bias[k] -= static_cast<float>(lr * g);
          float decay = static_cast<float>(1.0 - lr * o.l2);
          for (auto [b, v] : f)
            w[b * K + k] = w[b * K + k] * decay - static_cast<float>(lr * g * v);
        }
      }
    }
  } else if (crossfit) {
    zs.resize(n);
    std::vector<float> wts, hid;
    for (int f = 0; f < o.folds; ++f) {
      std::vector<size_t> rows;
      for (size_t i = 0; i < n; ++i)
        if (fold[i] != static_cast<uint32_t>(f)) rows.push_back(i);
      fit(rows, &wts, &hid);
      for (size_t i = 0; i < n; ++i)
        if (fold[i] == static_cast<uint32_t>(f)) zs[i] = logits(wts, hid, i);
    }
    eval_idx = train_idx;  // all of them
    fit(train_idx, &m->weights_, &m->hidden_);
  } else {
    fit(train_idx, &m->weights_, &m->hidden_);
    eval_idx = val_idx;
    for (size_t i : val_idx) zs.push_back(logits(m->weights_, m->hidden_, i));
  }
  if (o.hidden > 0 && !zs.empty()) {
    // The hidden layer's weight in the logits: the one of 0, 0.05, .., 2
    // with the least log-loss on the scores the models were not trained on.
    auto mixed = [&](const std::vector<double>& z2, double a) {
      std::vector<double> z(K);
      for (size_t k = 0; k < K; ++k) z[k] = z2[k] + a * z2[K + k];
      return z;
    };
    double best = std::numeric_limits<double>::infinity();
    for (int step = 0; step <= 40; ++step) {
      const double a = step * 0.05;
      double loss = 0;
      for (size_t j = 0; j < zs.size(); ++j) {
        auto p = Softmax(mixed(zs[j], a));
        loss -= std::log(std::max(p[y[crossfit ? j : eval_idx[j]]], 1e-300));
      }
      if (loss < best - 1e-9) best = loss, o.hidden_weight = a;
    }
    for (auto& z : zs) z = mixed(z, o.hidden_weight);
  } else if (o.hidden > 0) {
    o.hidden_weight = 1;  // nothing to choose it on
  }
  m->options_ = o;
  m->offsets_.assign(K, 0.0);

  if (crossfit || held_out) {
    // Calibration and decision offsets on the examples the scores did not see.
    const size_t ne = eval_idx.size();
    std::vector<std::vector<double>> logp(ne), odds(ne);
    std::vector<uint32_t> truth(ne);
    for (size_t j = 0; j < ne; ++j) {
      const auto& z = crossfit ? zs[eval_idx[j]] : zs[j];
      odds[j] = LogOdds(z);
      auto p = Softmax(z);
      logp[j].resize(K);
      for (size_t k = 0; k < K; ++k) logp[j][k] = std::log(std::max(p[k], 1e-300));
      truth[j] = y[eval_idx[j]];
    }
    auto& rep = m->validation_;
    rep.examples = ne;
    for (size_t k = 0; k < K; ++k) {
      std::vector<double> s(ne), praw(ne), pcal(ne);
      std::vector<uint8_t> out(ne);
      for (size_t j = 0; j < ne; ++j) {
        s[j] = odds[j][k];
        praw[j] = std::exp(logp[j][k]);
        out[j] = truth[j] == k;
      }
      SAFEGATE_ASSIGN_OR_RETURN(stats::PlattScaling pl, stats::FitPlatt(s, out));
      m->platt_a_.push_back(pl.a);
      m->platt_b_.push_back(pl.b);
      for (size_t j = 0; j < s.size(); ++j) pcal[j] = pl.Apply(s[j]);
      SAFEGATE_ASSIGN_OR_RETURN(double e0, stats::ExpectedCalibrationError(praw, out));
      SAFEGATE_ASSIGN_OR_RETURN(double e1, stats::ExpectedCalibrationError(pcal, out));
      rep.ece_raw.push_back(e0);
      rep.ece.push_back(e1);
    }
    const bool macro = o.tune != "accuracy";
    rep.accuracy_raw = Score(truth, Decide(logp, m->offsets_), K, false);
    if (tune_one) {
      // Only the chosen label's offset moves; its F1 is the objective. Ties
      // keep the smaller offset.
      const uint32_t k = static_cast<uint32_t>(tune_label);
      double best = LabelF1(truth, Decide(logp, m->offsets_), k), best_off = 0;
      for (int step = -80; step <= 80; ++step) {
        double off = step * 0.05;
        m->offsets_[k] = off;
        double sc = LabelF1(truth, Decide(logp, m->offsets_), k);
        if (sc > best + 1e-12 || (sc > best - 1e-12 && std::fabs(off) < std::fabs(best_off))) {
          best = std::max(best, sc);
          best_off = off;
        }
      }
      m->offsets_[k] = best_off;
    } else if (o.tune != "none") {
      // Coordinate ascent over a grid; label 0's offset stays 0 (only
      // differences matter). Ties keep the smaller offset.
      double best = Score(truth, Decide(logp, m->offsets_), K, macro);
      for (int pass = 0; pass < 3; ++pass) {
        for (size_t k = 1; k < K; ++k) {
          double keep = m->offsets_[k];
          double best_off = keep;
          for (int step = -80; step <= 80; ++step) {
            double off = step * 0.05;
            m->offsets_[k] = off;
            double sc = Score(truth, Decide(logp, m->offsets_), K, macro);
            if (sc > best + 1e-12 || (sc > best - 1e-12 && std::fabs(off) < std::fabs(best_off))) {
              best = std::max(best, sc);
              best_off = off;
            }
          }
          m->offsets_[k] = best_off;
        }
      }
    }
    auto pred = Decide(logp, m->offsets_);
    rep.accuracy = Score(truth, pred, K, false);
    rep.macro_f1 = Score(truth, pred, K, true);
  }
  std::string bytes = m->Serialize();
  m->fingerprint_ = std::to_string(Fnv1a64(bytes) % 100000000);
  return std::shared_ptr<const TextClassifier>(m);
}

std::vector<double> TextClassifier::Logits(std::string_view text) const {
  const size_t K = labels_.size();
  const size_t F = size_t{1} << options_.hash_bits;
  thread_local SparseRow f;
  Featurize(text, options_, format_version_, idf_.empty() ? nullptr : idf_.data(), &f);
  std::vector<double> z(K);
  for (size_t k = 0; k < K; ++k) z[k] = weights_[F * K + k];
  for (auto [b, v] : f) {
    const float* w = weights_.data() + size_t{b} * K;
    for (size_t k = 0; k < K; ++k) z[k] += static_cast<double>(w[k]) * v;
  }
  if (!hidden_.empty()) {
    thread_local std::vector<float> act;
    std::vector<double> zh(K, 0.0);
    AddHiddenLogits(hidden_, options_, K, f, zh.data(), &act);
    for (size_t k = 0; k < K; ++k) z[k] += options_.hidden_weight * zh[k];
  }
  return z;
}

std::vector<double> TextClassifier::Calibrate(const std::vector<double>& z) const {
  if (platt_a_.empty()) return Softmax(z);
  auto s = LogOdds(z);
  for (size_t k = 0; k < s.size(); ++k)
    s[k] = stats::PlattScaling{platt_a_[k], platt_b_[k]}.Apply(s[k]);
  return s;
}

std::vector<double> TextClassifier::PredictRaw(std::string_view text) const {
  return Softmax(Logits(text));
}

std::vector<double> TextClassifier::Predict(std::string_view text) const {
  return Calibrate(Logits(text));
}

size_t TextClassifier::PredictIndex(std::string_view text, double* probability) const {
  auto z = Logits(text);
  // log p_k = z_k - logsumexp(z): the common term cancels in the comparison.
  size_t best = 0;
  for (size_t k = 1; k < z.size(); ++k)
    if (z[k] + offsets_[k] > z[best] + offsets_[best]) best = k;
  if (probability) *probability = Calibrate(z)[best];
  return best;
}

size_t TextClassifier::Classify(std::string_view text, std::vector<double>* probabilities) const {
  auto z = Logits(text);
  size_t best = 0;
  for (size_t k = 1; k < z.size(); ++k)
    if (z[k] + offsets_[k] > z[best] + offsets_[best]) best = k;
  *probabilities = Calibrate(z);
  return best;
}

std::string TextClassifier::Serialize() const {
  nlohmann::json h;
  h["schema"] = "safegate.classifier/" + std::to_string(format_version_);
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
  if (format_version_ >= 2) {
    h["solver"] = options_.solver;
    h["validation"] = options_.validation;
    h["tune"] = options_.tune;
    h["offsets"] = offsets_;
    if (format_version_ >= 3) {
      h["class_weight"] = options_.class_weight;
      h["preprocess"] = options_.preprocess;
      h["folds"] = options_.folds;
      if (options_.nb_alpha > 0) h["nb_alpha"] = options_.nb_alpha;
      if (format_version_ >= 4) {
        h["char_words"] = options_.char_words;
        h["idf"] = options_.idf;
      }
      if (format_version_ >= 5) {
        h["hidden"] = options_.hidden;
        h["hidden_bits"] = options_.hidden_bits;
        h["hidden_epochs"] = options_.hidden_epochs;
        h["hidden_lr"] = options_.hidden_lr;
        h["hidden_weight"] = options_.hidden_weight;
      }
      if (options_.soft_targets) {
        h["soft_targets"] = true;
        h["soft_share"] = options_.soft_share;
      }
    }
    if (!platt_a_.empty()) {
      nlohmann::json pl = nlohmann::json::array();
      for (size_t k = 0; k < platt_a_.size(); ++k) pl.push_back({platt_a_[k], platt_b_[k]});
      h["platt"] = pl;
    }
    if (validation_.examples > 0) {
      h["validation_report"] = {
          {"examples", validation_.examples}, {"accuracy_raw", validation_.accuracy_raw},
          {"accuracy", validation_.accuracy}, {"macro_f1", validation_.macro_f1},
          {"ece_raw", validation_.ece_raw},   {"ece", validation_.ece}};
    }
  }
  h["tool_version"] = std::string(ToolVersion());
  std::string header = DumpJson(h);
  if (idf_.empty() && hidden_.empty())
    return internal::WriteModelFile(std::string_view(kMagic, sizeof kMagic), format_version_,
                                    header, weights_);
  // Format 4 with idf: the idf of every bucket follows the weights; format 5
  // with hidden: then the hidden layer.
  std::vector<float> all = weights_;
  all.insert(all.end(), idf_.begin(), idf_.end());
  all.insert(all.end(), hidden_.begin(), hidden_.end());
  return internal::WriteModelFile(std::string_view(kMagic, sizeof kMagic), format_version_, header,
                                  all);
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
  SAFEGATE_ASSIGN_OR_RETURN(
      internal::ModelFile file,
      internal::ReadModelFile(bytes, std::string_view(kMagic, sizeof kMagic), kOldestVersion,
                              kFormatVersion, "classifier model", origin));
  std::shared_ptr<TextClassifier> m(new TextClassifier());
  m->format_version_ = file.version;
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
    if (file.version == 1) {
      o.solver = "sgd";
      o.validation = 0;
      o.tune = "none";
    } else {
      o.solver = h.value("solver", std::string("lbfgs"));
      o.validation = h.value("validation", 0.0);
      o.tune = h.value("tune", std::string("none"));
      if (file.version >= 3) {
        o.class_weight = h.value("class_weight", 0.0);
        o.preprocess = h.value("preprocess", std::string());
        o.folds = GetIntOr<int>(h, "folds", 0);
        o.soft_targets = h.value("soft_targets", false);
        o.soft_share = h.value("soft_share", 1.0);
        o.nb_alpha = h.value("nb_alpha", 0.0);
        if (file.version >= 4) {
          o.char_words = h.at("char_words").get<bool>();
          o.idf = h.at("idf").get<bool>();
        }
        if (file.version >= 5) {
          o.hidden = GetInt<int>(h.at("hidden"));
          o.hidden_bits = GetInt<int>(h.at("hidden_bits"));
          o.hidden_epochs = GetIntOr<int>(h, "hidden_epochs", 0);
          o.hidden_lr = h.value("hidden_lr", 0.0);
          o.hidden_weight = h.at("hidden_weight").get<double>();
        }
      } else if (o.balance) {
        o.class_weight = 1;
      }
      if (h.contains("offsets")) m->offsets_ = h.at("offsets").get<std::vector<double>>();
      if (h.contains("platt")) {
        for (const auto& p : h.at("platt")) {
          m->platt_a_.push_back(p.at(0).get<double>());
          m->platt_b_.push_back(p.at(1).get<double>());
        }
      }
      if (h.contains("validation_report")) {
        const auto& r = h.at("validation_report");
        auto& v = m->validation_;
        v.examples = GetInt<uint64_t>(r.at("examples"));
        v.accuracy_raw = r.value("accuracy_raw", 0.0);
        v.accuracy = r.value("accuracy", 0.0);
        v.macro_f1 = r.value("macro_f1", 0.0);
        v.ece_raw = r.value("ece_raw", std::vector<double>{});
        v.ece = r.value("ece", std::vector<double>{});
      }
    }
  } catch (const std::exception& e) {
    return bad(std::string("bad header: ") + e.what());
  }
  const auto& o = m->options_;
  if (o.hash_bits < 10 || o.hash_bits > 24 || o.char_min < 1 || o.char_max < o.char_min ||
      o.char_max > 8 || o.word_max < 0 || o.word_max > 4)
    return bad("bad feature options in the header");
  if (o.preprocess != "" && o.preprocess != "social")
    return bad("unknown preprocessing '" + o.preprocess + "' in the header");
  const size_t K = m->labels_.size();
  if (K < 2 || K > 4096) return bad("bad label count");
  if (m->offsets_.empty()) m->offsets_.assign(K, 0.0);
  if (m->offsets_.size() != K) return bad("offsets do not match the labels");
  if (!m->platt_a_.empty() && m->platt_a_.size() != K)
    return bad("calibration does not match the labels");
  for (double v : m->offsets_)
    if (!std::isfinite(v)) return bad("non-finite offset");
  for (size_t k = 0; k < m->platt_a_.size(); ++k)
    if (!std::isfinite(m->platt_a_[k]) || !std::isfinite(m->platt_b_[k]))
      return bad("non-finite calibration");
  if (o.hidden < 0 || o.hidden > 256 ||
      (o.hidden > 0 && (o.hidden_bits < 10 || o.hidden_bits > o.hash_bits)))
    return bad("bad hidden layer options in the header");
  if (!std::isfinite(o.hidden_weight)) return bad("non-finite hidden layer weight");
  const uint64_t F = uint64_t{1} << o.hash_bits;
  const uint64_t want = F * K + K;
  const uint64_t hid = o.hidden > 0 ? HiddenSize(o, K) : 0;
  if (file.weights.size() != want + (o.idf ? F : 0) + hid)
    return bad("weight count does not match");
  if (hid > 0) {
    m->hidden_.assign(file.weights.end() - static_cast<std::ptrdiff_t>(hid), file.weights.end());
    for (float v : m->hidden_)
      if (!std::isfinite(v)) return bad("a hidden layer weight is not finite");
    file.weights.resize(file.weights.size() - hid);
  }
  if (o.idf) {
    m->idf_.assign(file.weights.begin() + static_cast<std::ptrdiff_t>(want), file.weights.end());
    for (float v : m->idf_)
      if (!(v > 0)) return bad("an idf is not positive");
    file.weights.resize(want);
  }
  m->weights_ = std::move(file.weights);
  m->fingerprint_ = std::to_string(file.checksum % 100000000);
  return std::shared_ptr<const TextClassifier>(m);
}

double ScriptShare(std::string_view text, std::string_view script) {
  size_t word = 0, in = 0;
  const bool cjk = script == "cjk";
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    bool invalid = false;
    char32_t cp = text::DecodeAt(text, i, &len, &invalid);
    if (len == 0) len = 1;
    i += len;
    if (invalid || !text::IsWordChar(cp)) continue;
    ++word;
    bool latin = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
                 (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
    if (cjk ? text::IsNoSpaceScript(cp) : latin) ++in;
  }
  return word == 0 ? 0.0 : static_cast<double>(in) / static_cast<double>(word);
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
    const auto& labels = m_->labels();
    const bool applies = o_.script.empty() || ScriptShare(input.text, o_.script) >= 0.5;
    auto p = applies ? m_->Predict(input.text) : std::vector<double>(labels.size(), 0.0);
    Verdict v;
    if (!o_.label_categories.empty()) {
      for (size_t k = 0; k < p.size(); ++k) {
        auto it = o_.label_categories.find(labels[k]);
        if (it == o_.label_categories.end()) continue;
        auto t = o_.thresholds.find(it->second);
        double threshold = t == o_.thresholds.end() ? o_.threshold : t->second;
        CategoryScore* slot = nullptr;
        for (auto& c : v.categories)
          if (c.category == it->second) slot = &c;
        if (!slot) {
          v.categories.push_back({it->second, 0.0, false});
          slot = &v.categories.back();
        }
        slot->score = std::max(slot->score, p[k]);
        slot->flagged = slot->flagged || p[k] >= threshold;
        v.score = std::max(v.score, p[k]);
      }
      v.label = v.flagged() ? "flagged" : "clean";
      return v;
    }
    double pos = 0, best = -1;
    size_t best_k = 0, negatives = 0, neg_k = 0;
    for (size_t k = 0; k < p.size(); ++k) {
      if (IsNegative(o_, labels[k])) {
        ++negatives;
        neg_k = k;
        continue;
      }
      if (p[k] > best) best = p[k], best_k = k;
    }
    if (!applies) {
      pos = 0;
    } else if (m_->calibrated() && negatives == 1) {
      pos = 1 - p[neg_k];
    } else {
      auto raw = m_->calibrated() ? m_->PredictRaw(input.text) : p;
      for (size_t k = 0; k < raw.size(); ++k)
        if (!IsNegative(o_, labels[k])) pos += raw[k];
    }
    bool flagged = pos >= o_.threshold;
    if (o_.category.empty()) {
      for (size_t k = 0; k < p.size(); ++k) {
        if (IsNegative(o_, labels[k])) continue;
        v.categories.push_back({labels[k], p[k], flagged && k == best_k});
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
