#include "model_file.h"

#include <cmath>
#include <cstring>

#include "safegate/base/hash.h"

namespace safegate::judge::internal {
namespace {

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool Get(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

}  // namespace

std::string WriteModelFile(std::string_view magic, uint32_t version, std::string_view header,
                           const std::vector<float>& weights) {
  std::string out(magic);
  Put<uint32_t>(&out, version);
  Put<uint32_t>(&out, static_cast<uint32_t>(header.size()));
  out += header;
  Put<uint64_t>(&out, weights.size());
  out.append(reinterpret_cast<const char*>(weights.data()), weights.size() * sizeof(float));
  Put<uint64_t>(&out, Fnv1a64(out));
  return out;
}

Result<ModelFile> ReadModelFile(std::string_view bytes, std::string_view magic, uint32_t version,
                                std::string_view kind, const std::string& origin) {
  return ReadModelFile(bytes, magic, version, version, kind, origin);
}

Result<ModelFile> ReadModelFile(std::string_view bytes, std::string_view magic,
                                uint32_t min_version, uint32_t max_version, std::string_view kind,
                                const std::string& origin) {
  auto bad = [&](const std::string& why) {
    return DataLossError(origin + ": not a valid safegate " + std::string(kind) + ": " + why);
  };
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    return bad("wrong magic number (expected " + std::string(magic) + ")");
  if (bytes.size() < magic.size() + 4 + 4 + 8 + 8) return bad("truncated");
  std::string_view in = bytes.substr(magic.size(), bytes.size() - magic.size() - 8);
  uint32_t got = 0, hlen = 0;
  Get(&in, &got);
  if (got < min_version || got > max_version) {
    std::string reads = min_version == max_version ? "version " + std::to_string(min_version)
                                                   : "versions " + std::to_string(min_version) +
                                                         " to " + std::to_string(max_version);
    return InvalidArgumentError(origin + ": " + std::string(kind) + " format version " +
                                std::to_string(got) + " is not supported (this safegate reads " +
                                reads + ")");
  }
  ModelFile f;
  f.version = got;
  std::memcpy(&f.checksum, bytes.data() + bytes.size() - 8, 8);
  if (Fnv1a64(bytes.substr(0, bytes.size() - 8)) != f.checksum)
    return bad("checksum mismatch (the file is corrupted or truncated)");
  Get(&in, &hlen);
  if (hlen > in.size()) return bad("header length past the end of the file");
  f.header = in.substr(0, hlen);
  in.remove_prefix(hlen);
  uint64_t n = 0;
  if (!Get(&in, &n)) return bad("truncated");
  if (n > in.size() / sizeof(float) || in.size() != n * sizeof(float))
    return bad("weight count does not match");
  f.weights.resize(n);
  std::memcpy(f.weights.data(), in.data(), n * sizeof(float));
  for (float w : f.weights)
    if (!std::isfinite(w)) return bad("non-finite weight");
  return f;
}

}  // namespace safegate::judge::internal
