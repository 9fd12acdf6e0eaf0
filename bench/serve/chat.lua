-- wrk: POST a chat request. KEY (API key, optional), STREAM ("1": stream) and
-- DELAY_MS come from the environment; every connection uses its own user id.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local stream = os.getenv("STREAM") == "1"
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  wrk.body = '{"model":"m","user":"bench-' .. tostring(tid) .. '","stream":' ..
    (stream and "true" or "false") ..
    ',"messages":[{"role":"system","content":"You are a helpful assistant."},' ..
    '{"role":"user","content":"Where can I find a good recipe for dinner tonight?"}]}'
end
local d = tonumber(os.getenv("DELAY_MS") or "0")
if d > 0 then
  function delay() return d end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
      summary.errors.timeout, summary.requests))
end
