// The event-stream reader's line rule and the stream sniffing test.
#include "safegate/openai/sse.h"

namespace safegate::openai {

void SseReader::Line(std::string_view line, bool* event_done) {
  if (line.empty()) {
    *event_done = true;
    return;
  }
  if (line.front() == ':') return;  // comment
  size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (name == "data") {
    if (have_data_) data_ += '\n';
    data_.append(value);
    have_data_ = true;
  }
  // event, id, retry and unknown fields are dropped
}

bool LooksLikeEventStream(std::string_view head) {
  while (!head.empty() && (head.front() == ' ' || head.front() == '\n' || head.front() == '\r' ||
                           head.front() == '\t')) {
    head.remove_prefix(1);
  }
  for (std::string_view f : {"data:", "event:", "id:", "retry:", ":", "data\n", "data\r"}) {
    if (head.starts_with(f)) return true;
  }
  return false;
}

}  // namespace safegate::openai
