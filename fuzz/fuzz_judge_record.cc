// Fuzzes the fast paths of `safegate judge` (apps/cli/judge_io.h) against the
// general ones. Byte 0 picks the check:
//   0-2: the rest is a JSONL line; FastRecordReader (fields text/prompt/id,
//        text/-/id, or prompt/text/x) must agree with ParseRecordLine +
//        ReadRecordTexts whenever it takes the line;
//   3:   the rest is a string: AppendJsonString must write DumpJson's bytes,
//        and each 8 bytes read as a double, AppendJsonNumber too.
// Inputs over 64 KiB are ignored.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "cli/judge_io.h"
#include "safegate/base/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  using namespace safegate::cli;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int mode = data[0] % 4;
  if (mode == 3) {
    std::string out = "x";
    safegate::AppendJsonString(rest, &out);
    if (out != "x" + safegate::DumpJson(nlohmann::json(std::string(rest)))) abort();
    for (size_t i = 0; i + 8 <= rest.size(); i += 8) {
      double d;
      std::memcpy(&d, rest.data() + i, sizeof d);
      std::string num;
      safegate::AppendJsonNumber(d, &num);
      if (num != safegate::DumpJson(nlohmann::json(d))) abort();
    }
    return 0;
  }
  static const JudgeFields kFields[3] = {
      {"text", "prompt", "id"}, {"text", "", "id"}, {"prompt", "text", "x"}};
  const JudgeFields& fields = kFields[mode];
  static FastRecordReader* readers[3] = {new FastRecordReader(kFields[0]),
                                         new FastRecordReader(kFields[1]),
                                         new FastRecordReader(kFields[2])};
  std::string_view text, prompt, id;
  if (!readers[mode]->Read(rest, &text, &prompt, &id)) return 0;
  nlohmann::json obj;
  if (!ParseRecordLine(rest, &obj).empty()) abort();  // taken, but the general path refuses it
  RecordTexts general;
  const std::string* bad = nullptr;
  if (!ReadRecordTexts(obj, fields, &general, &bad).ok()) abort();
  if (text != general.text || prompt != general.prompt || id != general.id) abort();
  return 0;
}
