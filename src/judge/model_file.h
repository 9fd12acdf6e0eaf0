// The framing shared by safegate's trained model files (the text classifier,
// the refusal model): an 8-byte magic number, the format version (u32), the
// header length (u32), a JSON header, the weight count (u64), the weights as
// little-endian float32, and an FNV-1a 64 checksum of everything before it.
// Internal to the judge library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::judge::internal {

std::string WriteModelFile(std::string_view magic, uint32_t version, std::string_view header,
                           const std::vector<float>& weights);

struct ModelFile {
  uint32_t version = 0;
  std::string_view header;  // into the bytes given to ReadModelFile
  std::vector<float> weights;
  uint64_t checksum = 0;
};

// Checks the framing: magic, size, version, checksum, header length, weight
// count and finite weights. Errors: "ORIGIN: not a valid safegate KIND: why"
// (kDataLoss), or an unsupported version (kInvalidArgument). The caller checks
// the header's fields and that the weight count fits them.
Result<ModelFile> ReadModelFile(std::string_view bytes, std::string_view magic, uint32_t version,
                                std::string_view kind, const std::string& origin);
// The same, for a reader of the versions min_version..max_version.
Result<ModelFile> ReadModelFile(std::string_view bytes, std::string_view magic,
                                uint32_t min_version, uint32_t max_version, std::string_view kind,
                                const std::string& origin);

}  // namespace safegate::judge::internal
