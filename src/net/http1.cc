// HTTP/1.1 framing for the built-in transport (RFC 9112): URL split,
// request serialization, incremental response parser.
#include "safegate/net/http1.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace safegate::net {
namespace {

constexpr size_t kMaxHeaderBytes = 64u << 10;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Whether the comma-separated token list `list` holds `token` (case-insensitive).
bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    if (IEquals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Decimal digits only, no sign, no overflow.
bool ParseSize(std::string_view s, size_t* out) {
  if (s.empty()) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (std::numeric_limits<size_t>::max() - 9) / 10) return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<PlainUrl> ParsePlainUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("URL '" + std::string(url) + "': " + std::string(why));
  };
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !IEquals(url.substr(0, kScheme.size()), kScheme)) {
    return bad("not a plain http:// URL");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return bad("space or control character");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view target = end == std::string_view::npos ? "" : rest.substr(end);
  if (size_t hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  if (authority.find('@') != std::string_view::npos)
    return bad("user information is not supported");
  PlainUrl out;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  out.host_header = std::string(authority);
  if (!port.empty()) {
    size_t p = 0;
    if (!ParseSize(port, &p) || p == 0 || p > 65535) return bad("bad port");
    out.port = static_cast<int>(p);
  } else if (!authority.empty() && authority.back() == ':') {
    out.host_header.pop_back();  // "host:" means the default port
  }
  out.target =
      target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  return out;
}

Status SerializeRequest(const Request& r, const PlainUrl& url, std::string* out) {
  if (r.method.empty() || !std::all_of(r.method.begin(), r.method.end(), IsTokenChar)) {
    return InvalidArgumentError("bad HTTP method '" + r.method + "'");
  }
  bool own_host = false;
  for (const Header& h : r.headers) {
    if (h.name.empty() || !std::all_of(h.name.begin(), h.name.end(), IsTokenChar) ||
        h.value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgumentError("bad HTTP header '" + h.name + "'");
    }
    if (IEquals(h.name, "Host")) own_host = true;
  }
  out->reserve(out->size() + 128 + url.target.size() + r.body.size());
  out->append(r.method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  if (!own_host) out->append("Host: ").append(url.host_header).append("\r\n");
  for (const Header& h : r.headers) {
    // As with libcurl, an empty value drops the header (e.g. "Expect:").
    if (h.value.empty() || IEquals(h.name, "Content-Length")) continue;
    out->append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (r.method != "GET" || !r.body.empty()) {
    out->append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
  }
  out->append("\r\n").append(r.body);
  return OkStatus();
}

ResponseParser::ResponseParser(size_t max_body, bool head_request) {
  Reset(max_body, head_request);
}

void ResponseParser::Reset(size_t max_body, bool head_request) {
  max_body_ = max_body;
  head_request_ = head_request;
  state_ = State::kNeedMore;
  phase_ = Phase::kStatus;
  started_ = too_large_ = http10_ = chunked_ = until_close_ = have_length_ = false;
  keep_alive_ = true;
  remaining_ = header_bytes_ = 0;
  line_.clear();
  error_.clear();
  response_ = Response{};
}

ResponseParser::State ResponseParser::Fail(std::string message) {
  error_ = std::move(message);
  keep_alive_ = false;
  return state_ = State::kError;
}

// Takes the next line (without its CR LF or LF) from data[*pos...], joining a
// piece kept from the last call. Returns false on an over-long line.
bool ResponseParser::TakeLine(std::string_view data, size_t* pos, std::string_view* line,
                              bool* complete) {
  std::string_view avail = data.substr(*pos);
  size_t nl = avail.find('\n');
  if (nl == std::string_view::npos) {
    line_.append(avail);
    *pos = data.size();
    *complete = false;
    header_bytes_ += avail.size();
    return header_bytes_ <= kMaxHeaderBytes && line_.size() <= kMaxHeaderBytes;
  }
  *pos += nl + 1;
  header_bytes_ += nl + 1;
  if (!line_.empty()) {
    line_.append(avail.substr(0, nl));
    *line = line_;
  } else {
    *line = avail.substr(0, nl);
  }
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  *complete = true;
  return header_bytes_ <= kMaxHeaderBytes;
}

ResponseParser::State ResponseParser::StatusLine(std::string_view line) {
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ' || !std::isdigit(static_cast<unsigned char>(line[9])) ||
      !std::isdigit(static_cast<unsigned char>(line[10])) ||
      !std::isdigit(static_cast<unsigned char>(line[11])) ||
      (line.size() > 12 && line[12] != ' ')) {
    return Fail("bad HTTP status line");
  }
  http10_ = line[7] == '0';
  response_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (response_.status < 100) return Fail("bad HTTP status code");
  keep_alive_ = !http10_;
  phase_ = Phase::kHeaders;
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::HeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return Fail("folded HTTP header line");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Fail("HTTP header line without a name");
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), IsTokenChar)) return Fail("bad HTTP header name");
  std::string_view value = Trim(line.substr(colon + 1));
  if (phase_ == Phase::kTrailers) return State::kNeedMore;  // trailers are read and dropped
  if (IEquals(name, "Content-Length")) {
    size_t n = 0;
    if (!ParseSize(value, &n)) return Fail("bad Content-Length");
    if (have_length_ && n != remaining_) return Fail("conflicting Content-Length headers");
    have_length_ = true;
    remaining_ = n;
  } else if (IEquals(name, "Transfer-Encoding")) {
    // Only plain "chunked" frames a body this parser can read; other codings
    // (gzip, ...) would need a decoder, and the client never asks for them.
    if (!IEquals(value, "chunked")) {
      return Fail("unsupported Transfer-Encoding '" + std::string(value) + "'");
    }
    chunked_ = true;
  } else if (IEquals(name, "Connection")) {
    if (HasToken(value, "close")) keep_alive_ = false;
    if (http10_ && HasToken(value, "keep-alive")) keep_alive_ = true;
  }
  response_.headers.push_back({std::string(name), std::string(value)});
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::HeadersDone() {
  long st = response_.status;
  if (st >= 100 && st < 200) {
    if (st == 101) return Fail("unexpected protocol switch (101)");
    // An interim response: the real one follows.
    response_ = Response{};
    chunked_ = have_length_ = false;
    remaining_ = 0;
    phase_ = Phase::kStatus;
    return State::kNeedMore;
  }
  if (head_request_ || st == 204 || st == 304) {
    phase_ = Phase::kEnd;
    return state_ = State::kDone;
  }
  if (chunked_) {
    if (have_length_) keep_alive_ = false;  // both framings: trust chunked, then close
    phase_ = Phase::kChunkSize;
    return State::kNeedMore;
  }
  if (have_length_) {
    if (remaining_ > max_body_) {
      too_large_ = true;
      return Fail("response body of " + std::to_string(remaining_) + " bytes is over the limit");
    }
    if (remaining_ == 0) {
      phase_ = Phase::kEnd;
      return state_ = State::kDone;
    }
    phase_ = Phase::kBody;
    return State::kNeedMore;
  }
  until_close_ = true;
  keep_alive_ = false;
  phase_ = Phase::kBody;
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::AppendBody(std::string_view bytes) {
  if (response_.body.size() + bytes.size() > max_body_) {
    too_large_ = true;
    return Fail("response body over the limit of " + std::to_string(max_body_) + " bytes");
  }
  response_.body.append(bytes);
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::Feed(std::string_view data, size_t* used) {
  size_t pos = 0;
  if (!data.empty()) started_ = true;
  while (state_ == State::kNeedMore && pos < data.size()) {
    switch (phase_) {
      case Phase::kStatus:
      case Phase::kHeaders:
      case Phase::kChunkSize:
      case Phase::kChunkEnd:
      case Phase::kTrailers: {
        std::string_view line;
        bool complete = false;
        if (!TakeLine(data, &pos, &line, &complete)) {
          Fail("HTTP response head longer than " + std::to_string(kMaxHeaderBytes) + " bytes");
          break;
        }
        if (!complete) break;
        State st = State::kNeedMore;
        if (phase_ == Phase::kStatus) {
          st = StatusLine(line);
        } else if (phase_ == Phase::kHeaders) {
          st = line.empty() ? HeadersDone() : HeaderLine(line);
        } else if (phase_ == Phase::kChunkSize) {
          std::string_view hex = Trim(line.substr(0, line.find(';')));
          size_t n = 0;
          if (hex.empty() || hex.size() > 15) {
            st = Fail("bad chunk size");
          } else {
            for (char c : hex) {
              int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                  : -1;
              if (d < 0) {
                st = Fail("bad chunk size");
                break;
              }
              n = n * 16 + static_cast<size_t>(d);
            }
          }
          if (st == State::kNeedMore) {
            if (n == 0) {
              phase_ = Phase::kTrailers;
            } else if (response_.body.size() + n > max_body_) {
              too_large_ = true;
              st = Fail("response body over the limit of " + std::to_string(max_body_) + " bytes");
            } else {
              remaining_ = n;
              phase_ = Phase::kChunkData;
            }
          }
          header_bytes_ = 0;  // the head limit applies per line from here on
        } else if (phase_ == Phase::kChunkEnd) {
          st = line.empty() ? State::kNeedMore : Fail("chunk not followed by CR LF");
          phase_ = Phase::kChunkSize;
          header_bytes_ = 0;
        } else {  // trailers, up to an empty line
          if (line.empty()) {
            phase_ = Phase::kEnd;
            st = state_ = State::kDone;
          } else {
            st = HeaderLine(line);
          }
        }
        line_.clear();
        state_ = st;
        break;
      }
      case Phase::kBody:
      case Phase::kChunkData: {
        size_t n = data.size() - pos;
        if (!until_close_) n = std::min(n, remaining_);
        if (AppendBody(data.substr(pos, n)) == State::kError) break;
        pos += n;
        if (until_close_) break;
        remaining_ -= n;
        if (remaining_ == 0) {
          if (phase_ == Phase::kBody) {
            phase_ = Phase::kEnd;
            state_ = State::kDone;
          } else {
            phase_ = Phase::kChunkEnd;
          }
        }
        break;
      }
      case Phase::kEnd: state_ = State::kDone; break;
    }
  }
  *used = pos;
  return state_;
}

ResponseParser::State ResponseParser::Finish() {
  if (state_ != State::kNeedMore) return state_;
  if (phase_ == Phase::kBody && until_close_) {
    phase_ = Phase::kEnd;
    return state_ = State::kDone;
  }
  return Fail(started_ ? "connection closed before the response ended"
                       : "connection closed without a response");
}

}  // namespace safegate::net
