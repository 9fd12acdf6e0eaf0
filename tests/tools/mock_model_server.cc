// A scripted OpenAI-compatible chat-completions server for tests and benchmarks
// (Boost.Beast, async, one io thread by default, TCP_NODELAY, keep-alive).
//
//   mock_model_server [--port N] [--log FILE] [--default ACTIONS] [--threads N]
//
// Prints "PORT <n>" on stdout once listening (port 0: an ephemeral port).
// Endpoints: POST /v1/chat/completions (and /chat/completions): OpenAI shape;
// POST /api/chat: Ollama's shape; GET /health.
//
// Script: the last user message may contain a directive "[[A1,A2,...]]". The
// k-th request carrying that same prompt gets action Ak (the last one repeats).
// Without a directive the --default actions apply (default "answer"). Actions:
//   answer          200, "Here is some general information about: <prompt>"
//   refuse          200, "I'm sorry, but I can't help with that."
//   say=TEXT        200, TEXT (underscores become spaces)
//   stream          200, the answer as SSE chunks (also when the request has "stream": true)
//   delay=MS        wait MS milliseconds, then answer
//   429=S           429 with Retry-After: S
//   500             500 with an error body
//   malformed       200 with a truncated JSON body
//   huge=BYTES      200 with an answer of BYTES bytes
//   drop            close the connection without answering
//   close           answer with "Connection: close", then close
//   quietclose      answer as if keeping the connection alive, then close it
//                   (the client's next request on it finds it dead)
//   noshape         200 with valid JSON lacking any known answer field
// Every request is logged (--log) as one JSON line, flushed at once:
//   {"t_us": wall-clock microseconds, "path", "prompt", "attempt", "action"}
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

struct Shared {
  std::mutex mu;
  std::map<std::string, int> attempts;
  std::FILE* log = nullptr;
  std::vector<std::string> default_actions{"answer"};
};

std::vector<std::string> SplitActions(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string a = s.substr(start, comma - start);
    if (!a.empty()) out.push_back(a);
    start = comma + 1;
  }
  return out;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ChatBody(const std::string& content, bool ollama) {
  json j;
  if (ollama) {
    j = {{"model", "mock"},
         {"message", {{"role", "assistant"}, {"content", content}}},
         {"done", true}};
  } else {
    j = {{"id", "chatcmpl-mock"},
         {"object", "chat.completion"},
         {"model", "mock"},
         {"choices",
          {{{"index", 0},
            {"message", {{"role", "assistant"}, {"content", content}}},
            {"finish_reason", "stop"}}}},
         {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 1}, {"total_tokens", 2}}}};
  }
  return j.dump();
}

std::string SseBody(const std::string& content) {
  std::string out;
  size_t step = std::max<size_t>(1, content.size() / 4 + 1);
  for (size_t i = 0; i < content.size(); i += step) {
    json chunk = {{"id", "chatcmpl-mock"},
                  {"object", "chat.completion.chunk"},
                  {"choices", {{{"index", 0}, {"delta", {{"content", content.substr(i, step)}}}}}}};
    out += "data: " + chunk.dump() + "\n\n";
  }
  out += "data: [DONE]\n\n";
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared* shared)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), shared_(shared) {}

  void Start() { Read(); }

 private:
  void Read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Handle();
                     });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  void Handle() {
    std::string target(req_.target());
    if (req_.method() == http::verb::get) {
      return Send(http::status::ok, "application/json", "{\"status\":\"ok\"}", {});
    }
    bool ollama = target == "/api/chat";
    std::string prompt;
    bool want_stream = false;
    try {
      json body = json::parse(req_.body());
      want_stream = body.value("stream", false);
      if (body.contains("messages") && body["messages"].is_array()) {
        for (const auto& m : body["messages"]) {
          if (m.value("role", "") == "user" && m.contains("content") && m["content"].is_string())
            prompt = m["content"].get<std::string>();
        }
      }
    } catch (const std::exception&) {
      return Send(http::status::bad_request, "application/json",
                  "{\"error\":{\"message\":\"bad JSON\"}}", {});
    }
    std::vector<std::string> actions = shared_->default_actions;
    size_t open = prompt.find("[[");
    size_t close = open == std::string::npos ? std::string::npos : prompt.find("]]", open);
    std::string clean = prompt;
    if (close != std::string::npos) {
      actions = SplitActions(prompt.substr(open + 2, close - open - 2));
      clean = prompt.substr(0, open) + prompt.substr(close + 2);
      while (!clean.empty() && clean.front() == ' ') clean.erase(0, 1);
    }
    int attempt;
    std::string action;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      attempt = ++shared_->attempts[prompt];
      action =
          actions.empty() ? "answer" : actions[std::min<size_t>(attempt - 1, actions.size() - 1)];
      if (shared_->log != nullptr) {
        json line = {{"t_us", NowMicros()},
                     {"path", target},
                     {"prompt", prompt},
                     {"attempt", attempt},
                     {"action", action}};
        std::string s = line.dump() + "\n";
        std::fwrite(s.data(), 1, s.size(), shared_->log);
        std::fflush(shared_->log);
      }
    }
    std::string answer = "Here is some general information about: " + clean;
    auto arg = [&](const std::string& a) {
      size_t eq = a.find('=');
      return eq == std::string::npos ? std::string() : a.substr(eq + 1);
    };
    std::string name = action.substr(0, action.find('='));
    if (name == "drop") return Close();
    if (name == "close" || name == "quietclose") {
      close_after_ = true;
      keep_alive_header_ = name == "quietclose";
    }
    if (name == "500") {
      return Send(http::status::internal_server_error, "application/json",
                  "{\"error\":{\"message\":\"internal error\"}}", {});
    }
    if (name == "429") {
      std::string ra = arg(action).empty() ? "1" : arg(action);
      return Send(http::status::too_many_requests, "application/json",
                  "{\"error\":{\"message\":\"rate limited\"}}", {{"Retry-After", ra}});
    }
    if (name == "malformed") {
      return Send(http::status::ok, "application/json", "{\"choices\": [{\"message\": {\"con", {});
    }
    if (name == "noshape") return Send(http::status::ok, "application/json", "{\"ok\":1}", {});
    if (name == "refuse") answer = "I'm sorry, but I can't help with that.";
    if (name == "say") {
      answer = arg(action);
      for (char& c : answer)
        if (c == '_') c = ' ';
    }
    if (name == "huge") {
      size_t n = std::strtoull(arg(action).c_str(), nullptr, 10);
      answer.assign(n == 0 ? (80u << 20) : n, 'x');
    }
    if (name == "delay") {
      timer_.expires_after(std::chrono::milliseconds(std::atoi(arg(action).c_str())));
      return timer_.async_wait(
          [self = shared_from_this(), answer, ollama, want_stream](beast::error_code ec) {
            if (ec) return;
            self->Answer(answer, ollama, want_stream);
          });
    }
    Answer(answer, ollama, want_stream || name == "stream");
  }

  void Answer(const std::string& content, bool ollama, bool stream) {
    if (stream && !ollama) return Send(http::status::ok, "text/event-stream", SseBody(content), {});
    Send(http::status::ok, "application/json", ChatBody(content, ollama), {});
  }

  void Send(http::status status, const char* type, std::string body,
            std::vector<std::pair<std::string, std::string>> headers) {
    auto res = std::make_shared<http::response<http::string_body>>(status, req_.version());
    res->set(http::field::server, "mock-model-server");
    res->set(http::field::content_type, type);
    for (auto& [k, v] : headers) res->set(k, v);
    res->keep_alive(close_after_ ? keep_alive_header_ : req_.keep_alive());
    if (std::string_view(type) == "text/event-stream") {
      res->chunked(true);
      res->body() = std::move(body);
    } else {
      res->body() = std::move(body);
      res->prepare_payload();
    }
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        if (!res->keep_alive() || self->close_after_) return self->Close();
                        self->Read();
                      });
  }

  beast::tcp_stream stream_;
  bool close_after_ = false;       // "close" / "quietclose": close after this answer
  bool keep_alive_header_ = true;  // what the answer claims meanwhile
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  Shared* shared_;
};

void Accept(tcp::acceptor* acceptor, Shared* shared) {
  acceptor->async_accept([acceptor, shared](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), shared)->Start();
    }
    Accept(acceptor, shared);
  });
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = 1;
  Shared shared;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "mock_model_server: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") {
      port = std::atoi(value().c_str());
    } else if (a == "--log") {
      std::string path = value();
      shared.log = std::fopen(path.c_str(), "a");
      if (shared.log == nullptr) {
        std::cerr << "mock_model_server: cannot open " << path << "\n";
        return 2;
      }
    } else if (a == "--default") {
      shared.default_actions = SplitActions(value());
    } else if (a == "--threads") {
      threads = std::max(1, std::atoi(value().c_str()));
    } else {
      std::cerr << "usage: mock_model_server [--port N] [--log FILE] [--default ACTIONS] "
                   "[--threads N]\n";
      return 2;
    }
  }
  asio::io_context io(threads);
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(4096);
  std::cout << "PORT " << acceptor.local_endpoint().port() << std::endl;
  Accept(&acceptor, &shared);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
