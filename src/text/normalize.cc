// TEMPORARY identity stub so that other libraries build while the real
// normaliser is written. Replaced by the text library work.
#include "safegate/text/normalize.h"

namespace safegate::text {

std::string NormalizeOptions::ToString() const {
  return "stub";
}

Span NormalizedText::ToOriginal(size_t begin, size_t end) const {
  return {begin, end};
}

struct Normalizer::Impl {
  NormalizeOptions options;
};

Normalizer::Normalizer(const NormalizeOptions& options) : impl_(new Impl{options}) {}
Normalizer::~Normalizer() = default;
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;
const NormalizeOptions& Normalizer::options() const {
  return impl_->options;
}

void Normalizer::Normalize(std::string_view in, NormalizedText* out) const {
  out->view_ = in;
  out->identity_ = true;
  out->invalid_ = 0;
}

std::string Normalizer::NormalizeToString(std::string_view in) const {
  std::string s(in);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace safegate::text
