// libFuzzer target for the saved-matcher loader (scan::Matcher::Load), which
// the Python module's Matcher.load() also reads from a path a user gives:
// any file must give a matcher or an error, never a crash, and a matcher it
// gives must scan. A valid file (keywords of several words that share anchor
// words, so it has anchor groups; look-alike renderings and joined forms;
// an accented keyword; a regex) is built in-process on the first call; the
// input XORs bytes of its payload and may cut it, then the header's size and
// checksum are made to agree, so the loader's own checks are what is tested
// (without that nearly every mutation would stop at the checksum).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/scan/matcher.h"

namespace {

using safegate::scan::Hit;
using safegate::scan::Matcher;
using safegate::scan::Pattern;
using safegate::scan::Scratch;

// The header: magic (8 bytes), format version (4), payload size (8),
// checksum (8); then the payload.
constexpr size_t kSizeAt = 12, kChecksumAt = 20, kPayloadAt = 28;

std::string TempPath() {
  return "/tmp/sg_fuzz_matcher_" + std::to_string(getpid()) + ".sgm";
}

const std::string& ValidFile() {
  static const std::string bytes = [] {
    std::vector<Pattern> ps;
    int i = 0;
    for (const char* t : {"i can't help", "i can\u2019t help", "can't help you", "no, i can't",
                          "no i can't", "help with that", "pipe bomb", "p\u00e9ter", "bomb"}) {
      Pattern p;
      p.id = "k" + std::to_string(i++);
      p.text = t;
      p.whole_word = true;
      p.inflect = i % 2 == 0;
      ps.push_back(p);
    }
    Pattern r;
    r.id = "r";
    r.text = "b[o0]mb";
    r.regex = true;
    ps.push_back(r);
    auto m = Matcher::Compile(ps, safegate::text::NormalizeOptions());
    if (!m.ok() || (*m)->anchor_group_count() == 0) std::abort();
    const std::string path = TempPath();
    if (!(*m)->Save(path).ok()) std::abort();
    auto file = safegate::ReadFile(path);
    unlink(path.c_str());
    if (!file.ok() || file->size() < kPayloadAt + 8) std::abort();
    return *file;
  }();
  return bytes;
}

void PutU64(std::string* s, size_t at, uint64_t v) {
  std::memcpy(s->data() + at, &v, 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string file = ValidFile();
  std::string payload = file.substr(kPayloadAt);
  for (size_t i = 0; i + 2 < size && i < 96; i += 3) {
    const size_t pos = (static_cast<size_t>(data[i]) << 8 | data[i + 1]) % payload.size();
    payload[pos] ^= static_cast<char>(data[i + 2]);
  }
  if (size > 0 && data[0] & 1) payload.resize(payload.size() * data[size - 1] / 256);
  file.resize(kPayloadAt);
  PutU64(&file, kSizeAt, payload.size());
  PutU64(&file, kChecksumAt, safegate::WordChecksum64(payload));
  file += payload;
  const std::string path = TempPath();
  if (!safegate::WriteFileAtomic(path, file).ok()) std::abort();
  auto m = Matcher::Load(path);
  unlink(path.c_str());  // a loaded matcher keeps nothing of the file
  if (m.ok()) {
    Scratch scratch(**m);
    std::vector<Hit> hits;
    const std::string_view doc(reinterpret_cast<const char*>(data), size);
    (void)(*m)->Scan(doc, &scratch, &hits);
    (void)(*m)->Scan("No, I can't help you with that pipe bomb, P\u00e9ter. b0mb", &scratch, &hits);
    for (size_t i = 0; i < (*m)->pattern_count(); ++i) (void)(*m)->pattern(i);
  }
  return 0;
}
