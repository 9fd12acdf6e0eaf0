// The small helpers the server's handlers share (service.h).

#include <cstdio>

#include "service.h"

namespace safegate::server {

HttpResponse Json(int status, const json& body,
                  std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse r;
  r.status = status;
  r.body = DumpJson(body);
  r.headers = std::move(headers);
  return r;
}

PublicError PublicErrorOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return {400, s.message(), "invalid_request_error"};
    case StatusCode::kNotFound: return {404, s.message(), "not_found"};
    case StatusCode::kFailedPrecondition: return {409, s.message(), "conflict"};
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kIoError:
    case StatusCode::kResourceExhausted:
      // The database (or the disk under it): the client may retry.
      return {503, "the service's database is unavailable; try again", "service_unavailable", true};
    default: return {500, "internal error", "server_error", true};
  }
}

HttpResponse FromStatus(const Status& s) {
  PublicError e = PublicErrorOf(s);
  if (e.log) fprintf(stderr, "safegate serve: %s\n", s.ToString().c_str());
  return ErrorResponse(e.status, e.message, e.type);
}

}  // namespace safegate::server
