// Micro-benchmark of what the gateway does to every upstream answer and
// stream chunk before the gate reads it: openai::DropUnreadKeys (the relay
// policy: only what the gate reads, or tokens, is relayed), against the
// parse and the serialisation the gateway does to the same body anyway.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGATE_BUILD_BENCH=ON
//   cmake --build build-bench --target relay_bench && ./build-bench/bench/relay_bench
//
// Bodies: a plain completion (metadata, usage, one choice whose content is
// Arg bytes), a completion with a tool call, and a typical stream chunk (a
// few words of delta). Each DropUnreadKeys run works on a fresh copy of the
// parsed body; BM_Copy measures that copy alone, to subtract.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "safegate/base/json.h"
#include "safegate/openai/chat.h"

namespace {

using nlohmann::json;

json Completion(size_t content_bytes, bool tool_call) {
  std::string text;
  while (text.size() < content_bytes) text += "the river runs past the old mill. ";
  text.resize(content_bytes);
  json msg = {{"role", "assistant"}, {"content", text}};
  if (tool_call) {
    msg["tool_calls"] = json::array(
        {{{"id", "call_8f2a"},
          {"type", "function"},
          {"function", {{"name", "get_weather"}, {"arguments", R"({"city":"Paris"})"}}}}});
  }
  return {{"id", "chatcmpl-9x2bYpQ7rVnA4LkT0cZs1mE8fJ3hWdGu"},
          {"object", "chat.completion"},
          {"created", 1765000000},
          {"model", "meta-llama/Llama-3.1-8B-Instruct"},
          {"system_fingerprint", "fp_44709d6fcb"},
          {"usage",
           {{"prompt_tokens", 21},
            {"completion_tokens", 230},
            {"total_tokens", 251},
            {"completion_tokens_details", {{"reasoning_tokens", 0}}}}},
          {"choices", json::array({{{"index", 0}, {"finish_reason", "stop"}, {"message", msg}}})}};
}

json Chunk() {
  return {
      {"id", "chatcmpl-9x2bYpQ7rVnA4LkT0cZs1mE8fJ3hWdGu"},
      {"object", "chat.completion.chunk"},
      {"created", 1765000000},
      {"model", "meta-llama/Llama-3.1-8B-Instruct"},
      {"choices",
       json::array(
           {{{"index", 0}, {"finish_reason", nullptr}, {"delta", {{"content", " the old"}}}}})}};
}

void Run(benchmark::State& state, const json& body) {
  for (auto _ : state) {
    json copy = body;
    benchmark::DoNotOptimize(safegate::openai::DropUnreadKeys(&copy));
    benchmark::DoNotOptimize(copy);
  }
}

void BM_Copy(benchmark::State& state, const json& body) {
  for (auto _ : state) {
    json copy = body;
    benchmark::DoNotOptimize(copy);
  }
}

void BM_ParseAndDump(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    json j = safegate::ParseUntrustedJson(text);
    std::string out = j.dump();
    benchmark::DoNotOptimize(out);
  }
}

void BM_DropCompletion(benchmark::State& s) {
  Run(s, Completion(static_cast<size_t>(s.range(0)), false));
}
void BM_DropToolCall(benchmark::State& s) {
  Run(s, Completion(static_cast<size_t>(s.range(0)), true));
}
void BM_DropChunk(benchmark::State& s) {
  Run(s, Chunk());
}
void BM_CopyCompletion(benchmark::State& s) {
  BM_Copy(s, Completion(static_cast<size_t>(s.range(0)), false));
}
void BM_CopyChunk(benchmark::State& s) {
  BM_Copy(s, Chunk());
}
void BM_ParseDumpCompletion(benchmark::State& s) {
  BM_ParseAndDump(s, Completion(static_cast<size_t>(s.range(0)), false).dump());
}
void BM_ParseDumpChunk(benchmark::State& s) {
  BM_ParseAndDump(s, Chunk().dump());
}

BENCHMARK(BM_DropCompletion)->Arg(1000)->Arg(16000);
BENCHMARK(BM_DropToolCall)->Arg(1000);
BENCHMARK(BM_DropChunk);
BENCHMARK(BM_CopyCompletion)->Arg(1000)->Arg(16000);
BENCHMARK(BM_CopyChunk);
BENCHMARK(BM_ParseDumpCompletion)->Arg(1000)->Arg(16000);
BENCHMARK(BM_ParseDumpChunk);

}  // namespace
