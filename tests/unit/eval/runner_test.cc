// net::Client and eval::ExecuteRun against the scripted model server on
// loopback: retries, Retry-After, rate limit, malformed and huge answers,
// dropped connections, resume accounting, replay targets.
#include "safegate/eval/runner.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "net/transport.h"
#include "safegate/net/client.h"
#include "safegate/openai/chat.h"
#include "safegate/store/sqlite.h"
#include "unit/eval/mock_server.h"
#include "unit/eval/phrase_judge.h"

namespace safegate::eval {
namespace {

using testing::MakePhraseRefusalJudge;
using testing::MockServer;

net::Request ChatRequest(const std::string& base, const std::string& prompt) {
  TargetSpec t;
  t.base_url = base;
  t.model = "m";
  EvalItem it{"x", BankKind::kGenerated, "c", "en", prompt};
  return BuildChatRequest(t, it).value();
}

// Sends each prompt once through a Client; returns the results by prompt index.
std::vector<net::CallResult> SendAll(const std::vector<std::string>& prompts,
                                     const std::string& base, net::ClientOptions o,
                                     size_t max_body = 64u << 20) {
  std::vector<net::CallResult> out(prompts.size());
  size_t next = 0;
  net::Client client(o);
  Status s = client.Run(
      [&](uint64_t* tag, net::Request* r) {
        if (next == prompts.size()) return false;
        *tag = next;
        *r = ChatRequest(base, prompts[next++]);
        r->max_body_bytes = max_body;
        r->timeout_seconds = 20;
        return true;
      },
      [&](uint64_t tag, net::CallResult&& r) { out[tag] = std::move(r); });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

net::ClientOptions FastRetries() {
  net::ClientOptions o;
  o.concurrency = 4;
  o.backoff_initial_seconds = 0.01;
  o.backoff_max_seconds = 0.05;
  o.jitter_seed = 7;
  return o;
}

// Every Client test runs on both transports: the built-in HTTP/1.1 client and libcurl.
class ClientTest : public ::testing::TestWithParam<net::HttpEngine> {
 protected:
  net::ClientOptions WithEngine(net::ClientOptions o) {
    o.engine = GetParam();
    return o;
  }
};

INSTANTIATE_TEST_SUITE_P(Engines, ClientTest,
                         ::testing::Values(net::HttpEngine::kBuiltin, net::HttpEngine::kCurl),
                         [](const auto& info) {
                           return std::string(net::HttpEngineName(info.param));
                         });

TEST_P(ClientTest, RetriesServerErrorsAndDroppedConnectionsThenSucceeds) {
  MockServer server;
  auto r = SendAll({"[[500,500,answer]] a", "[[drop,answer]] b", "plain"}, server.base_url(),
                   WithEngine(FastRetries()));
  ASSERT_TRUE(r[0].response.ok());
  EXPECT_EQ(r[0].response->status, 200);
  EXPECT_EQ(r[0].attempts, 3);
  ASSERT_TRUE(r[1].response.ok()) << r[1].response.status().ToString();
  EXPECT_EQ(r[1].attempts, 2);
  EXPECT_EQ(r[2].attempts, 1);
  std::map<std::string, int> per_prompt;
  for (const auto& l : server.Log()) per_prompt[l["prompt"]]++;
  EXPECT_EQ(per_prompt["[[500,500,answer]] a"], 3);
  EXPECT_EQ(per_prompt["[[drop,answer]] b"], 2);
  EXPECT_EQ(per_prompt["plain"], 1);
}

TEST_P(ClientTest, GivesUpAfterMaxAttemptsWithTheLastResponse) {
  MockServer server;
  net::ClientOptions o = WithEngine(FastRetries());
  o.max_attempts = 3;
  auto r = SendAll({"[[500]] always"}, server.base_url(), o);
  ASSERT_TRUE(r[0].response.ok());
  EXPECT_EQ(r[0].response->status, 500);
  EXPECT_EQ(r[0].attempts, 3);
  EXPECT_EQ(server.Log().size(), 3u);
}

TEST_P(ClientTest, HonoursRetryAfter) {
  MockServer server;
  auto r = SendAll({"[[429=1,answer]] wait"}, server.base_url(), WithEngine(FastRetries()));
  ASSERT_TRUE(r[0].response.ok());
  EXPECT_EQ(r[0].response->status, 200);
  EXPECT_EQ(r[0].attempts, 2);
  auto log = server.Log();
  ASSERT_EQ(log.size(), 2u);
  // A lower bound only: the client must not come back before Retry-After.
  EXPECT_GE(log[1]["t_us"].get<int64_t>() - log[0]["t_us"].get<int64_t>(), 1000000 - 2000);
}

// The call's deadline: a Retry-After that would pass it ends the call at
// once; an attempt still running at the deadline is cut; retries that fit
// happen as before. Outcomes, not times, are asserted.
TEST_P(ClientTest, CallDeadlineEndsRetryAfterWaitsAndSlowAttempts) {
  MockServer server;
  net::ClientOptions o = WithEngine(FastRetries());
  o.call_deadline_seconds = 2;
  auto r = SendAll({"[[429=30]] hostile", "[[500,500,answer]] fits", "[[delay=4000]] slow"},
                   server.base_url(), o);
  ASSERT_FALSE(r[0].response.ok());
  EXPECT_EQ(r[0].response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(r[0].response.status().message().find("deadline of 2 s"), std::string::npos)
      << r[0].response.status().ToString();
  EXPECT_NE(r[0].response.status().message().find("HTTP 429 with Retry-After 30 s"),
            std::string::npos)
      << r[0].response.status().ToString();
  EXPECT_EQ(r[0].attempts, 1);
  ASSERT_TRUE(r[1].response.ok()) << r[1].response.status().ToString();
  EXPECT_EQ(r[1].response->status, 200);
  EXPECT_EQ(r[1].attempts, 3);
  ASSERT_FALSE(r[2].response.ok());
  EXPECT_EQ(r[2].response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(r[2].response.status().message().find("timed out"), std::string::npos)
      << r[2].response.status().ToString();
  EXPECT_EQ(r[2].attempts, 1);
  std::map<std::string, int> per_prompt;
  for (const auto& l : server.Log()) per_prompt[l["prompt"]]++;
  EXPECT_EQ(per_prompt["[[429=30]] hostile"], 1);
  EXPECT_EQ(per_prompt["[[delay=4000]] slow"], 1);
}

TEST_P(ClientTest, OversizedBodyIsAnErrorNotRetried) {
  MockServer server;
  auto r = SendAll({"[[huge=300000]] big"}, server.base_url(), WithEngine(FastRetries()), 100000);
  ASSERT_FALSE(r[0].response.ok());
  EXPECT_EQ(r[0].response.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r[0].attempts, 1);
}

TEST_P(ClientTest, ConnectionRefusedIsRetriedThenUnavailable) {
  int port;
  {
    MockServer gone;
    port = gone.port();
  }
  net::ClientOptions o = WithEngine(FastRetries());
  o.max_attempts = 2;
  auto r = SendAll({"x"}, "http://127.0.0.1:" + std::to_string(port) + "/v1", o);
  ASSERT_FALSE(r[0].response.ok());
  EXPECT_EQ(r[0].response.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r[0].attempts, 2);
}

TEST_P(ClientTest, RateLimitBoundsRequestsPerSecond) {
  MockServer server;
  net::ClientOptions o = WithEngine({});
  o.concurrency = 8;
  o.requests_per_second = 20;
  std::vector<std::string> prompts;
  for (int i = 0; i < 30; ++i) prompts.push_back("p" + std::to_string(i));
  auto r = SendAll(prompts, server.base_url(), o);
  auto log = server.Log();
  ASSERT_EQ(log.size(), 30u);
  std::vector<int64_t> t;
  for (const auto& l : log) t.push_back(l["t_us"].get<int64_t>());
  std::sort(t.begin(), t.end());
  // Count-based: no window of one second (less 2 ms of clock slack) holds more
  // than rate + 1 requests. A slow machine can only lower the counts.
  for (size_t i = 0; i < t.size(); ++i) {
    size_t j = i;
    while (j < t.size() && t[j] - t[i] < 1000000 - 2000) ++j;
    EXPECT_LE(j - i, 21u) << "window starting at request " << i;
  }
}

TEST_P(ClientTest, BoundsConcurrency) {
  MockServer server;
  net::ClientOptions o = WithEngine({});
  o.concurrency = 3;
  std::vector<std::string> prompts;
  for (int i = 0; i < 12; ++i) prompts.push_back("[[delay=30]] q" + std::to_string(i));
  size_t next = 0, in_flight = 0, max_in_flight = 0;
  net::Client client(o);
  ASSERT_TRUE(client
                  .Run(
                      [&](uint64_t* tag, net::Request* r) {
                        if (next == prompts.size()) return false;
                        *tag = next;
                        *r = ChatRequest(server.base_url(), prompts[next++]);
                        max_in_flight = std::max(max_in_flight, ++in_flight);
                        return true;
                      },
                      [&](uint64_t, net::CallResult&& r) {
                        EXPECT_TRUE(r.response.ok());
                        --in_flight;
                      })
                  .ok());
  EXPECT_EQ(max_in_flight, 3u);
  EXPECT_EQ(client.stats().calls, 12u);
}

// A server that closes a connection after answering, saying so or not: the
// next request goes out on a new connection (for "quietclose" after finding
// the pooled one dead) within the same attempt, and reaches the server once.
TEST_P(ClientTest, ClosedConnectionsAreNotReused) {
  MockServer server;
  net::ClientOptions o = WithEngine(FastRetries());
  o.concurrency = 1;
  o.max_attempts = 1;
  std::vector<std::string> prompts = {"[[close]] a", "b", "[[quietclose]] c", "d", "e"};
  auto r = SendAll(prompts, server.base_url(), o);
  std::map<std::string, int> per_prompt;
  for (const auto& l : server.Log()) per_prompt[l["prompt"]]++;
  for (size_t i = 0; i < prompts.size(); ++i) {
    ASSERT_TRUE(r[i].response.ok()) << prompts[i] << ": " << r[i].response.status().ToString();
    EXPECT_EQ(r[i].response->status, 200) << prompts[i];
    EXPECT_EQ(r[i].attempts, 1) << prompts[i];
    EXPECT_EQ(per_prompt[prompts[i]], 1) << prompts[i];
  }
}

TEST_P(ClientTest, SlowAnswerTimesOut) {
  MockServer server;
  net::ClientOptions o = WithEngine(FastRetries());
  o.max_attempts = 1;
  net::Client client(o);
  net::CallResult got;
  bool sent = false;
  ASSERT_TRUE(client
                  .Run(
                      [&](uint64_t* tag, net::Request* r) {
                        if (sent) return false;
                        sent = true;
                        *tag = 0;
                        *r = ChatRequest(server.base_url(), "[[delay=5000]] slow");
                        r->timeout_seconds = 0.3;
                        return true;
                      },
                      [&](uint64_t, net::CallResult&& r) { got = std::move(r); })
                  .ok());
  ASSERT_FALSE(got.response.ok());
  EXPECT_EQ(got.response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(got.attempts, 1);
}

// A one-connection HTTP server on loopback that starts reading only after
// `wait_ms`, then answers 200 with the number of body bytes it received: a
// large request cannot leave in one send() and must wait for the socket.
class SlowReader {
 public:
  explicit SlowReader(int wait_ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, wait_ms] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      std::string in;
      char buf[65536];
      size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        size_t he = in.find("\r\n\r\n");
        size_t cl = in.find("Content-Length: ");
        if (need == std::string::npos && he != std::string::npos && cl != std::string::npos) {
          need = he + 4 + std::stoul(in.substr(cl + 16));
        }
      }
      received_ = in.size() - in.find("\r\n\r\n") - 4;
      std::string body = std::to_string(received_);
      std::string out = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body;
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~SlowReader() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  int fd_ = -1;
  int port_ = 0;
  size_t received_ = 0;
  std::thread thread_;
};

TEST_P(ClientTest, SendsRequestsLargerThanTheSocketTakes) {
  SlowReader server(200);
  net::ClientOptions o = WithEngine(FastRetries());
  o.max_attempts = 1;
  net::Client client(o);
  net::CallResult got;
  bool sent = false;
  std::string body(8u << 20, 'x');
  ASSERT_TRUE(client
                  .Run(
                      [&](uint64_t* tag, net::Request* r) {
                        if (sent) return false;
                        sent = true;
                        *tag = 0;
                        r->url = server.url() + "/chat/completions";
                        r->body = body;
                        return true;
                      },
                      [&](uint64_t, net::CallResult&& r) { got = std::move(r); })
                  .ok());
  ASSERT_TRUE(got.response.ok()) << got.response.status().ToString();
  EXPECT_EQ(got.response->body, std::to_string(body.size()));
}

// A chunked (SSE) answer arrives whole.
TEST_P(ClientTest, ReadsChunkedAnswers) {
  MockServer server;
  auto r = SendAll({"[[stream]] tell me", "plain after"}, server.base_url(), WithEngine({}));
  ASSERT_TRUE(r[0].response.ok());
  EXPECT_NE(r[0].response->HeaderValue("Transfer-Encoding"), "");
  auto text = openai::AnswerText(r[0].response->body);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "Here is some general information about: tell me");
  ASSERT_TRUE(r[1].response.ok());
  EXPECT_EQ(r[1].response->status, 200);
}

// The built-in transport tries a host's addresses in turn (e.g. "localhost"
// resolving to ::1 before 127.0.0.1 with the server on 127.0.0.1 only) and
// resolves each host once.
TEST(PlainTransport, TriesEveryAddressOfTheHost) {
  int closed_port;
  {
    MockServer gone;
    closed_port = gone.port();
  }
  MockServer server;
  auto v4 = [](int port) {
    net::internal::SocketAddress a;
    auto* in = reinterpret_cast<sockaddr_in*>(&a.addr);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.len = sizeof(sockaddr_in);
    return a;
  };
  for (bool reachable : {true, false}) {
    int resolved = 0;
    uint64_t bytes = 0;
    auto t =
        net::internal::NewPlainTransport(
            1, &bytes,
            [&](const std::string& host, int) -> Result<std::vector<net::internal::SocketAddress>> {
              EXPECT_EQ(host, "several.test");
              resolved++;
              return std::vector<net::internal::SocketAddress>{
                  v4(closed_port), v4(reachable ? server.port() : closed_port)};
            })
            .value();
    net::Request r = ChatRequest(server.base_url(), "hello");
    r.url = "http://several.test:" + std::to_string(server.port()) + "/v1/chat/completions";
    for (int round = 0; round < 2; ++round) {
      t->Start(0, &r);
      std::vector<net::internal::Finished> done;
      while (done.empty()) t->Drive(1000, &done);
      ASSERT_EQ(done.size(), 1u);
      if (reachable) {
        ASSERT_EQ(done[0].outcome.kind, net::internal::Outcome::Kind::kResponse)
            << done[0].outcome.detail;
        EXPECT_EQ(done[0].outcome.response.status, 200);
      } else {
        EXPECT_EQ(done[0].outcome.kind, net::internal::Outcome::Kind::kFailed);
        EXPECT_NE(done[0].outcome.detail.find("could not connect"), std::string::npos)
            << done[0].outcome.detail;
      }
    }
    EXPECT_EQ(resolved, 1);
  }
}

TEST(Client, BuiltinEngineRejectsOtherSchemesWithoutRetrying) {
  net::ClientOptions o = FastRetries();
  o.engine = net::HttpEngine::kBuiltin;
  auto r = SendAll({"x"}, "https://127.0.0.1:9/v1", o);
  ASSERT_FALSE(r[0].response.ok());
  EXPECT_EQ(r[0].response.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r[0].response.status().message().find("plain http://"), std::string::npos);
  EXPECT_EQ(r[0].attempts, 1);
}

// kAuto: the built-in client for plain http://, libcurl once a proxy is set
// (no_proxy keeps libcurl from actually using it here).
TEST(Client, AutoEngineLeavesProxiesToCurl) {
  MockServer server;
  for (bool proxy : {false, true}) {
    if (proxy) {
      setenv("http_proxy", "http://127.0.0.1:9", 1);
      setenv("no_proxy", "127.0.0.1", 1);
    }
    net::Client client(net::ClientOptions{});
    bool sent = false;
    Result<net::Response> got = net::Response{};
    ASSERT_TRUE(client
                    .Run(
                        [&](uint64_t* tag, net::Request* r) {
                          if (sent) return false;
                          sent = true;
                          *tag = 0;
                          *r = ChatRequest(server.base_url(), "hello");
                          return true;
                        },
                        [&](uint64_t, net::CallResult&& r) { got = std::move(r.response); })
                    .ok());
    unsetenv("http_proxy");
    unsetenv("no_proxy");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(client.stats().engine, proxy ? net::HttpEngine::kCurl : net::HttpEngine::kBuiltin);
  }
}

struct Fixture {
  std::string dir;
  std::unique_ptr<RunStore> store;
  explicit Fixture(const std::string& name) {
    dir = (std::filesystem::temp_directory_path() /
           ("eval-runner-" + name + "-" + std::to_string(getpid())))
              .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = RunStore::Open(store::OpenSqlite(dir + "/runs.db", {.synchronous_full = false}).value())
                .value();
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

std::vector<EvalItem> Items(const std::vector<std::string>& prompts) {
  std::vector<EvalItem> out;
  for (size_t i = 0; i < prompts.size(); ++i) {
    out.push_back({"q" + std::to_string(i), BankKind::kShouldRefuse, "S1", "en", prompts[i]});
  }
  return out;
}

// A source that has nothing yet (kWait) is asked again after Wake().
TEST_P(ClientTest, WaitsForTheSourceUntilWoken) {
  MockServer server;
  net::ClientOptions o = WithEngine({});
  o.concurrency = 2;
  net::Client client(o);
  std::mutex mu;
  std::deque<std::string> ready = {"first"};
  bool producer_done = false;
  std::vector<std::string> answered;
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      {
        std::lock_guard<std::mutex> lock(mu);
        ready.push_back("later " + std::to_string(i));
        producer_done = i == 4;
      }
      client.Wake();
    }
  });
  uint64_t n = 0;
  Status s =
      client.Run(net::Client::PollNextFn([&](uint64_t* tag, net::Request* r) {
                   std::lock_guard<std::mutex> lock(mu);
                   if (ready.empty())
                     return producer_done ? net::Client::Next::kDone : net::Client::Next::kWait;
                   *tag = n++;
                   *r = ChatRequest(server.base_url(), ready.front());
                   ready.pop_front();
                   return net::Client::Next::kCall;
                 }),
                 [&](uint64_t, net::CallResult&& r) {
                   ASSERT_TRUE(r.response.ok());
                   answered.push_back(r.response->body);
                 });
  producer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(answered.size(), 6u);
  EXPECT_EQ(server.Log().size(), 6u);
}

// A stop flag (what a SIGTERM handler sets) ends Run() while a call is still
// retrying: the call's 100 attempts are not all made first.
TEST_P(ClientTest, StopFlagEndsRetriesInFlight) {
  MockServer server;
  std::atomic<bool> stop{false};
  net::ClientOptions o = WithEngine(FastRetries());
  o.concurrency = 1;
  o.max_attempts = 100;
  o.stop_flag = &stop;
  net::Client client(o);
  std::thread stopper([&] {
    while (server.Log().size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    stop.store(true);
  });
  bool sent = false, finished = false;
  Status s = client.Run(
      [&](uint64_t* tag, net::Request* r) {
        if (sent) return false;
        sent = true;
        *tag = 0;
        *r = ChatRequest(server.base_url(), "[[500]] always failing");
        return true;
      },
      [&](uint64_t, net::CallResult&&) { finished = true; });
  stopper.join();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_FALSE(finished);                // abandoned, not reported
  EXPECT_LT(server.Log().size(), 100u);  // without the flag: all 100 attempts
}

TEST(ExecuteRun, StoresAnswersErrorsAndLabels) {
  MockServer server;
  Fixture f("store");
  auto items = Items(
      {"[[refuse]] a", "[[malformed]] b", "[[noshape]] c", "[[stream]] d", "[[500]] e", "plain f"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  TargetSpec t;
  t.base_url = server.base_url();
  t.max_attempts = 2;
  t.backoff_initial_seconds = 0.01;
  JudgeList judges{MakePhraseRefusalJudge()};
  auto sum = ExecuteRun(*f.store, "r", t, judges, {});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->sent, 6u);
  EXPECT_EQ(sum->answered, 3u);
  EXPECT_EQ(sum->errors, 3u);
  EXPECT_FALSE(sum->interrupted);
  auto recs = f.store->Records("r").value();
  std::map<std::string, AnswerRecord> by_id;
  for (auto& r : recs) by_id[r.item.id] = r;
  EXPECT_TRUE(by_id["q0"].answer.ok);
  ASSERT_EQ(by_id["q0"].labels.size(), 1u);
  EXPECT_EQ(by_id["q0"].labels[0].judge, "refusal-phrases");
  EXPECT_EQ(by_id["q0"].labels[0].judge_version, "1");
  EXPECT_EQ(by_id["q0"].labels[0].label, "full_refusal");
  EXPECT_FALSE(by_id["q1"].answer.ok);
  EXPECT_NE(by_id["q1"].answer.error.find("malformed"), std::string::npos);
  EXPECT_FALSE(by_id["q2"].answer.ok);
  EXPECT_TRUE(by_id["q3"].answer.ok);
  EXPECT_EQ(by_id["q3"].answer.content, "Here is some general information about: d");
  EXPECT_FALSE(by_id["q4"].answer.ok);
  EXPECT_EQ(by_id["q4"].answer.http_status, 500);
  EXPECT_EQ(by_id["q4"].answer.attempts, 2);
  EXPECT_EQ(by_id["q5"].labels[0].label, "compliance");
}

// Relabel: new labels in a new set, nothing sent; a stopped relabel resumes
// the same set; reports read the newest finished set, set 0 stays readable.
TEST(RelabelRun, NewLabelSetResumableAndReadByRecords) {
  Fixture f("relabel");
  auto items = Items({"a", "b", "c"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  const char* answers[] = {"I'm sorry, but I can't help with that.", "Sure, here it is.",
                           "Here you go."};
  for (int i = 0; i < 3; ++i) {
    StoredAnswer a{
        "r", BankKind::kShouldRefuse, "q" + std::to_string(i), true, answers[i], "", 200, 1, 1, 0};
    // Stored with a judge that called everything compliance.
    ASSERT_TRUE(
        f.store->StoreAnswer(&a, {{"refusal-phrases", "0", "compliance", 0.5, false, "", ""}})
            .ok());
  }
  JudgeList judges{MakePhraseRefusalJudge()};
  std::atomic<bool> stop{true};
  RelabelOptions stopped;
  stopped.stop = &stop;
  auto first = RelabelRun(*f.store, "r", judges, "[\"phrases\"]", stopped);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->interrupted);
  EXPECT_EQ(first->label_set, 1);
  // Unfinished: reports still read set 0.
  EXPECT_EQ(f.store->ResolveLabelSet("r", -1).value(), 0);
  EXPECT_FALSE(f.store->Records("r", 1).ok());
  auto second = RelabelRun(*f.store, "r", judges, "[\"phrases\"]", {});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->resumed);
  EXPECT_FALSE(second->interrupted);
  EXPECT_EQ(second->label_set, 1);
  EXPECT_EQ(second->answers, 3u);
  EXPECT_EQ(second->relabelled, 3u);
  EXPECT_EQ(second->changed, 1u);  // q0: compliance -> full_refusal (versions do not count)
  auto recs = f.store->Records("r").value();
  ASSERT_EQ(recs[0].labels.size(), 1u);
  EXPECT_EQ(recs[0].labels[0].label, "full_refusal");
  EXPECT_EQ(recs[0].labels[0].judge_version, "1");
  EXPECT_EQ(f.store->Records("r", 0).value()[0].labels[0].label, "compliance");
  // A second relabel with the same judges: set 2, nothing changed.
  auto third = RelabelRun(*f.store, "r", judges, "[\"phrases\"]", {});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->label_set, 2);
  EXPECT_EQ(third->changed, 0u);
  EXPECT_EQ(f.store->LabelSets("r").value().size(), 2u);
  EXPECT_FALSE(RelabelRun(*f.store, "nope", judges, "[]", {}).ok());
}

TEST(ExecuteRun, ResumeSkipsStoredAnswersAndCountsInFlightItems) {
  MockServer server;
  Fixture f("resume");
  auto items = Items({"a", "b", "c", "d"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  // A previous session stored q0 and had q1 in flight when it died.
  StoredAnswer a{"r", BankKind::kShouldRefuse, "q0", true, "earlier", "", 200, 1, 1.0, 0};
  ASSERT_TRUE(f.store->MarkDispatched("r", BankKind::kShouldRefuse, "q0").ok());
  ASSERT_TRUE(f.store->StoreAnswer(&a, {}).ok());
  ASSERT_TRUE(f.store->MarkDispatched("r", BankKind::kShouldRefuse, "q1").ok());
  TargetSpec t;
  t.base_url = server.base_url();
  ExecuteOptions o;
  o.resume = true;
  auto sum = ExecuteRun(*f.store, "r", t, {}, o);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->already_stored, 1u);
  EXPECT_EQ(sum->sent, 3u);
  EXPECT_EQ(sum->resent_inflight, 1u);
  auto info = f.store->GetRun("r").value();
  EXPECT_EQ(info.resumes, 1);
  EXPECT_EQ(info.resent_inflight, 1);
  EXPECT_FALSE(info.finished_at.empty());
  for (const auto& l : server.Log()) EXPECT_NE(l["prompt"], "a");
  EXPECT_EQ(server.Log().size(), 3u);
  // Nothing left: a second resume sends nothing.
  auto again = ExecuteRun(*f.store, "r", t, {}, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sent, 0u);
  EXPECT_EQ(again->resent_inflight, 0u);
}

// Every item is marked dispatched before its request: with more items than
// slots most marks ride in the transaction of an earlier answer, as the run's
// high-water mark (items go out in seq order), not as a row per item.
TEST(ExecuteRun, MarksEveryItemOnceBeforeItsRequest) {
  MockServer server;
  Fixture f("marks");
  std::vector<std::string> prompts;
  for (int i = 0; i < 40; ++i) prompts.push_back("p" + std::to_string(i));
  auto items = Items(prompts);
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  TargetSpec t;
  t.base_url = server.base_url();
  t.concurrency = 3;
  JudgeList judges{MakePhraseRefusalJudge()};
  auto sum = ExecuteRun(*f.store, "r", t, judges, {});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->sent, 40u);
  auto rows = f.store->db().Query("SELECT item_id, dispatched FROM eval_items").value();
  ASSERT_EQ(rows.size(), 40u);
  for (const auto& r : rows) EXPECT_EQ(r.Int(1), 0) << r.Text(0);
  auto hwm = f.store->db().Query("SELECT dispatched_seq FROM eval_runs").value();
  EXPECT_EQ(hwm[0].Int(0), 39);
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 0);
  EXPECT_EQ(server.Log().size(), 40u);
  auto recs = f.store->Records("r").value();
  for (const auto& rec : recs) EXPECT_EQ(rec.labels.size(), 1u);
}

TEST(RunStore, AnswerAndNextMarkCommitTogether) {
  Fixture f("fold");
  auto items = Items({"a", "b", "c"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  ASSERT_TRUE(f.store->MarkDispatched("r", {&items[0], &items[1]}).ok());
  StoredAnswer a{"r", BankKind::kShouldRefuse, "q0", true, "x", "", 200, 1, 1.0, 0};
  std::vector<StoredLabel> labels = {{"j1", "1", "compliance", 0.5, false, "", ""},
                                     {"j2", "2", "flagged", 1.0, true, "S1,S2", ""}};
  ASSERT_TRUE(f.store->StoreAnswer(&a, labels, &items[2]).ok());
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 2);  // q1, q2
  // A second answer for q0 is refused, and its mark is rolled back with it.
  StoredAnswer again = a;
  EXPECT_EQ(f.store->StoreAnswer(&again, {}, &items[1]).code(), StatusCode::kFailedPrecondition);
  auto d = f.store->db().Query("SELECT dispatched FROM eval_items WHERE item_id = 'q1'").value();
  EXPECT_EQ(d[0].Int(0), 1);
  auto recs = f.store->Records("r").value();
  for (const auto& rec : recs) {
    if (rec.item.id != "q0") continue;
    ASSERT_EQ(rec.labels.size(), 2u);
    EXPECT_EQ(rec.labels[1].judge, "j2");
    EXPECT_EQ(rec.labels[1].categories, "S1,S2");
    EXPECT_TRUE(rec.labels[1].flagged);
  }
}

// Items read back from the store carry their seq and are marked through the
// run's high-water mark; a resume counts the unanswered ones at or below it.
TEST(RunStore, MarksThroughTheHighWaterMark) {
  Fixture f("hwm");
  ASSERT_TRUE(f.store->CreateRun("r", "{}", Items({"a", "b", "c", "d", "e"})).ok());
  auto items = f.store->Items("r").value();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[3].seq, 3);
  ASSERT_TRUE(f.store->MarkDispatched("r", {&items[0], &items[1]}).ok());
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 2);
  StoredAnswer a{"r", BankKind::kShouldRefuse, "q0", true, "x", "", 200, 1, 1.0, 0};
  ASSERT_TRUE(f.store->StoreAnswer(&a, {}, &items[3]).ok());
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 3);  // q1, q2, q3
  // The mark never moves back.
  ASSERT_TRUE(f.store->MarkDispatched("r", {&items[1]}).ok());
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 3);
  // A refused answer takes its mark back with it.
  StoredAnswer again = a;
  EXPECT_EQ(f.store->StoreAnswer(&again, {}, &items[4]).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 3);
}

// A version-1 store (no high-water mark column) is migrated on open; its
// per-item marks still count.
TEST(RunStore, MigratesVersionOneStores) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("eval-runner-v1-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto db = store::OpenSqlite(dir + "/runs.db", {.synchronous_full = false}).value();
    ASSERT_TRUE(db->ExecScript(R"sql(
CREATE TABLE eval_schema (version BIGINT NOT NULL);
INSERT INTO eval_schema (version) VALUES (1);
CREATE TABLE eval_runs (run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, meta TEXT NOT NULL,
  resumes BIGINT NOT NULL DEFAULT 0, resent_inflight BIGINT NOT NULL DEFAULT 0, finished_at TEXT);
CREATE TABLE eval_items (run_id TEXT NOT NULL, bank TEXT NOT NULL, item_id TEXT NOT NULL,
  seq BIGINT NOT NULL, category TEXT NOT NULL, lang TEXT NOT NULL, prompt TEXT NOT NULL,
  dispatched BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (run_id, bank, item_id)) WITHOUT ROWID;
INSERT INTO eval_runs (run_id, created_at, meta) VALUES ('old', 't', '{}');
INSERT INTO eval_items VALUES ('old', 'should_refuse', 'q0', 0, 'S1', 'en', 'a', 1);
INSERT INTO eval_items VALUES ('old', 'should_refuse', 'q1', 1, 'S1', 'en', 'b', 0);
)sql")
                    .ok());
  }
  auto store =
      RunStore::Open(store::OpenSqlite(dir + "/runs.db", {.synchronous_full = false}).value());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->db().Query("SELECT version FROM eval_schema").value()[0].Int(0), 3);
  EXPECT_EQ((*store)->CountDispatchedUnanswered("old").value(), 1);
  auto items = (*store)->Items("old").value();
  ASSERT_TRUE((*store)->MarkDispatched("old", {&items[1]}).ok());
  EXPECT_EQ((*store)->CountDispatchedUnanswered("old").value(), 2);
  store->reset();
  // Opening again leaves version 3 alone; a newer version is refused.
  auto again =
      RunStore::Open(store::OpenSqlite(dir + "/runs.db", {.synchronous_full = false}).value());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE((*again)->db().Exec("UPDATE eval_schema SET version = 4").ok());
  again->reset();
  auto newer =
      RunStore::Open(store::OpenSqlite(dir + "/runs.db", {.synchronous_full = false}).value());
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

// A retried error answer: the new answer replaces the error in eval_answers,
// the error moves to eval_answer_history with its retry number; an answer
// with text is never replaced.
TEST(RunStore, ReplacingAnErrorKeepsItInTheHistory) {
  Fixture f("history");
  auto items = Items({"a", "b"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  StoredAnswer e{"r", BankKind::kShouldRefuse, "q0", false, "", "HTTP 500: x", 500, 5, 1.0, 0};
  ASSERT_TRUE(f.store->StoreAnswer(&e, {}).ok());
  StoredAnswer ok{"r", BankKind::kShouldRefuse, "q1", true, "fine", "", 200, 1, 1.0, 0};
  ASSERT_TRUE(f.store->StoreAnswer(&ok, {}).ok());
  EXPECT_EQ(f.store->ErrorKeys("r").value().size(), 1u);
  // Without replace_error the error stays (as before).
  StoredAnswer again{"r", BankKind::kShouldRefuse, "q0", false, "", "timeout", 0, 5, 1.0, 0};
  EXPECT_EQ(f.store->StoreAnswer(&again, {}).code(), StatusCode::kFailedPrecondition);
  AnswerWrite w{&again, nullptr, nullptr, true};
  std::vector<StoredLabel> none;
  w.labels = &none;
  ASSERT_TRUE(f.store->StoreAnswers({&w, 1}).ok());
  StoredAnswer answer{"r", BankKind::kShouldRefuse, "q0", true, "I can't.", "", 200, 1, 1.0, 0};
  AnswerWrite w2{&answer, &none, nullptr, true};
  ASSERT_TRUE(f.store->StoreAnswers({&w2, 1}).ok());
  // An answer with text is not replaced, and nothing moves.
  StoredAnswer other{"r", BankKind::kShouldRefuse, "q1", true, "other", "", 200, 1, 1.0, 0};
  AnswerWrite w3{&other, &none, nullptr, true};
  EXPECT_EQ(f.store->StoreAnswers({&w3, 1}).code(), StatusCode::kFailedPrecondition);
  auto hist = f.store->History("r").value();
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0].error, "HTTP 500: x");
  EXPECT_EQ(hist[0].http_status, 500);
  EXPECT_EQ(hist[1].error, "timeout");
  auto recs = f.store->Records("r").value();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(recs[0].answer.ok);
  EXPECT_EQ(recs[0].answer.content, "I can't.");
  EXPECT_EQ(recs[0].earlier_errors, 2);
  EXPECT_EQ(recs[1].answer.content, "fine");
  EXPECT_EQ(recs[1].earlier_errors, 0);
  EXPECT_TRUE(f.store->ErrorKeys("r").value().empty());
}

// ExecuteRun with retry_errors sends the error items again and only those.
TEST(ExecuteRun, RetryErrorsSendsOnlyErrorAnswersAgain) {
  MockServer server;
  Fixture f("retry");
  auto items = Items({"[[500,refuse]] a", "plain b"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  TargetSpec t;
  t.base_url = server.base_url();
  t.max_attempts = 1;
  auto first = ExecuteRun(*f.store, "r", t, {}, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->errors, 1u);
  ExecuteOptions o;
  o.resume = true;
  auto plain = ExecuteRun(*f.store, "r", t, {}, o);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->sent, 0u);
  o.retry_errors = true;
  auto retried = ExecuteRun(*f.store, "r", t, {}, o);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->sent, 1u);
  EXPECT_EQ(retried->retried, 1u);
  EXPECT_EQ(retried->already_stored, 1u);
  EXPECT_EQ(retried->answered, 1u);
  EXPECT_FALSE(retried->interrupted);
  EXPECT_EQ(server.Log().size(), 3u);
  auto recs = f.store->Records("r").value();
  EXPECT_TRUE(recs[0].answer.ok);
  EXPECT_EQ(recs[0].earlier_errors, 1);
}

TEST(RunStore, GroupCommitStoresAllOrNothing) {
  Fixture f("group");
  auto items = Items({"a", "b", "c", "d", "e"});
  ASSERT_TRUE(f.store->CreateRun("r", "{}", items).ok());
  ASSERT_TRUE(f.store->MarkDispatched("r", {&items[0], &items[1], &items[2]}).ok());
  auto answer = [](const char* id) {
    return StoredAnswer{"r", BankKind::kShouldRefuse, id, true, "x", "", 200, 1, 1.0, 0};
  };
  std::vector<StoredLabel> labels = {{"j1", "1", "compliance", 0.5, false, "", ""}};
  StoredAnswer a0 = answer("q0"), a1 = answer("q1");
  std::vector<AnswerWrite> batch = {{&a0, &labels, &items[3]}, {&a1, &labels, &items[4]}};
  ASSERT_TRUE(f.store->StoreAnswers(batch).ok());
  EXPECT_EQ(f.store->AnsweredKeys("r").value().size(), 2u);
  EXPECT_EQ(f.store->CountDispatchedUnanswered("r").value(), 3);  // q2, q3, q4
  // A batch holding an answer already stored is rolled back as a whole:
  // neither q2's answer nor its labels are stored.
  StoredAnswer a2 = answer("q2"), dup = answer("q1");
  std::vector<AnswerWrite> bad = {{&a2, &labels, nullptr}, {&dup, &labels, nullptr}};
  EXPECT_EQ(f.store->StoreAnswers(bad).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.store->AnsweredKeys("r").value().size(), 2u);
  auto n = f.store->db().Query("SELECT COUNT(*) FROM eval_labels WHERE item_id = 'q2'").value();
  EXPECT_EQ(n[0].Int(0), 0);
}

TEST(ExecuteRun, ReplayTarget) {
  Fixture f("replay");
  std::string path = f.dir + "/replay.jsonl";
  std::ofstream(path) << "{\"id\": \"q0\", \"response\": \"I'm sorry, but I can't help.\"}\n"
                      << "{\"id\": \"q1\", \"bank\": \"should_refuse\", \"answer\": \"Sure.\"}\n"
                      << "{\"id\": \"q2\", \"error\": \"timeout\"}\n";
  ASSERT_TRUE(f.store->CreateRun("r", "{}", Items({"a", "b", "c", "d"})).ok());
  TargetSpec t;
  t.kind = "replay";
  t.replay_path = path;
  auto sum = ExecuteRun(*f.store, "r", t, {MakePhraseRefusalJudge()}, {});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->answered, 2u);
  EXPECT_EQ(sum->errors, 2u);  // recorded error, and q3 missing from the file
  auto recs = f.store->Records("r").value();
  EXPECT_EQ(recs[0].labels[0].label, "full_refusal");
  EXPECT_EQ(recs[1].labels[0].label, "compliance");
  EXPECT_NE(recs[3].answer.error.find("no recorded response"), std::string::npos);
}

TEST(ExecuteRun, MissingApiKeyVariableFailsBeforeSending) {
  MockServer server;
  Fixture f("key");
  ASSERT_TRUE(f.store->CreateRun("r", "{}", Items({"a"})).ok());
  TargetSpec t;
  t.base_url = server.base_url();
  t.api_key_env = "SAFEGATE_TEST_SURELY_UNSET_KEY";
  auto sum = ExecuteRun(*f.store, "r", t, {}, {});
  ASSERT_FALSE(sum.ok());
  EXPECT_NE(sum.status().message().find("SAFEGATE_TEST_SURELY_UNSET_KEY"), std::string::npos);
  EXPECT_TRUE(server.Log().empty());
}

}  // namespace
}  // namespace safegate::eval
