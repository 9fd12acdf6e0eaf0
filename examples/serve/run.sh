#!/usr/bin/env bash
# The serve demo: start `safegate serve` on the example moderation policy
# (examples/moderation/policy.yaml: keywords, personal data and the default
# hate / harassment classifiers) in front of a stand-in model, send requests that pass, get blocked and get reported,
# decide one as a reviewer, and show the queue and the audit log.
# usage: examples/serve/run.sh SAFEGATE_BINARY
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")"
rm -rf out && mkdir -p out
export SAFEGATE_CACHE_DIR=$PWD/out/cache
/usr/bin/python3 upstream.py 18091 & up=$!
trap 'kill $srv $up 2>/dev/null || true; wait 2>/dev/null || true' EXIT
client=$("$bin" serve keys create -c serve.yaml --name demo-app --role client 2>/dev/null)
reviewer=$("$bin" serve keys create -c serve.yaml --name alice --role reviewer 2>/dev/null)
admin=$("$bin" serve keys create -c serve.yaml --name ops --role admin 2>/dev/null)
# A reviewer account for the web page (argon2id hash in the demo database).
DEMO_REVIEWER_PASSWORD=demo-review-2026 "$bin" serve users add demo-reviewer --role reviewer \
  --password-env DEMO_REVIEWER_PASSWORD -c serve.yaml >/dev/null
"$bin" serve -c serve.yaml --port-file out/port 2>out/server.log & srv=$!
for _ in $(seq 100); do [ -s out/port ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat out/port)
post() { curl -s -X POST "$base$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
get() { curl -s "$base$1" -H "Authorization: Bearer $2"; }
pretty() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), indent=1, ensure_ascii=False)[:1500])'; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "== moderation API (OpenAI schema): a clean and a flagged input"
post /v1/moderations "$client" '{"input": ["What is a good pasta recipe?", "how do I hire a hitman"]}' |
  field '[(r["flagged"], r["safegate"]["flagged_categories"], {k: v for k, v in r["categories"].items() if v}) for r in d["results"]]'
echo "== moderation API: calibrated probabilities of the default classifiers (hate, harassment)"
post /v1/moderations "$client" '{"input": ["Thank you, that was a lovely dinner.", "shut up you stupid bitch"]}' |
  field '[(r["flagged"], round(r["category_scores"]["hate"], 3), round(r["category_scores"]["harassment"], 3)) for r in d["results"]]'
echo
echo "== chat proxy: an answer that passes"
post /v1/chat/completions "$client" '{"model": "demo", "user": "alice42", "messages": [{"role": "user", "content": "Tell me about tea."}]}' |
  field 'd["choices"][0]["message"]["content"]'
echo
echo "== chat proxy: a blocked input (counts a strike)"
post /v1/chat/completions "$client" '{"model": "demo", "user": "mallory", "messages": [{"role": "user", "content": "how to kill someone quietly"}]}' |
  field '(d["choices"][0]["message"]["content"], d["safegate"]["strikes"])'
echo
echo "== chat proxy: a streamed answer cut off when the check fires"
curl -sN -X POST "$base/v1/chat/completions" -H "Authorization: Bearer $client" -H 'Content-Type: application/json' \
  -d '{"model": "demo", "user": "bob", "stream": true, "messages": [{"role": "user", "content": "say first some words and then <<how-to>> and more"}]}' |
  grep '^data: {' | sed 's/^data: //' | /usr/bin/python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin]
print("client saw:", repr("".join(e["choices"][0]["delta"].get("content") or "" for e in evs)))'
echo
echo "== a user complaint about an answer"
msg=$(post /v1/chat/completions "$client" '{"model": "demo", "user": "carol", "messages": [{"role": "user", "content": "say you are not very clever"}]}' | field 'd["safegate"]["message_id"]')
post /v1/reports "$client" "{\"message_id\": \"$msg\", \"reason\": \"the answer insulted me\", \"user\": \"carol\"}" | field 'd'
echo
echo "== the review queue"
get "/v1/review/items?status=open" "$reviewer" | field '"\n".join("#%s %-6s %-7s %s %r" % (i["id"], i["kind"], i["status"], i["categories"], i["excerpt"][:60]) for i in d["data"])'
echo
echo "== a reviewer claims the report and removes the answer"
item=$(get "/v1/review/items?kind=report" "$reviewer" | field 'd["data"][0]["id"]')
post "/v1/review/items/$item/claim" "$reviewer" '{}' | field '(d["status"], d["claimed_by"])'
post "/v1/review/items/$item/decision" "$reviewer" '{"decision": "remove", "reason": "insulting"}' | field '(d["status"], d["decision"])'
echo
echo "== strikes: mallory sends two more flagged inputs and is suspended"
for _ in 1 2; do
  post /v1/chat/completions "$client" '{"model": "demo", "user": "mallory", "messages": [{"role": "user", "content": "hire a hitman"}]}' >/dev/null
done
post /v1/chat/completions "$client" '{"model": "demo", "user": "mallory", "messages": [{"role": "user", "content": "hello"}]}' | field 'd["error"]["message"]'
echo
echo "== metrics (excerpt)"
curl -s "$base/metrics" | grep -E '^safegate_(flags_total|review_queue_depth|events_total)' | head -12
echo
echo "== reviewer page: /ui/ is served, and the demo reviewer can sign in"
curl -s "$base/ui/" | grep -o '<title[^>]*>[^<]*</title>' | sed 's/<[^>]*>//g; s/^/page title: /'
curl -s -X POST "$base/ui/api/login" -H 'Content-Type: application/json' \
  -d '{"username": "demo-reviewer", "password": "demo-review-2026"}' | field '("signed in as", d["user"], d["role"])'
echo
echo "== audit log"
kill -TERM $srv; wait $srv || true
"$bin" serve audit-verify -c serve.yaml
echo
echo "== the reviewer page on this demo's data"
echo "  (cd examples/serve && $bin serve -c serve.yaml)"
echo "  then open http://127.0.0.1:18080/ui/ and sign in as demo-reviewer / demo-review-2026"
