// Drives `safegate serve` with the official `openai` npm SDK (pinned in
// sdk/package.json) and checks every field of what the SDK returns that this
// script reads. Usage: node openai_sdk.mjs BASE_URL API_KEY (run by
// test_openai.py against the fake upstream of conftest.py). Prints one line
// per step and "ok: ..." last; any failed check exits non-zero.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "sdk", "package.json"));
const { default: OpenAI } = await import(require.resolve("openai"));

const [baseURL, apiKey] = process.argv.slice(2);
if (!baseURL || !apiKey) {
  console.error("usage: node openai_sdk.mjs BASE_URL API_KEY");
  process.exit(2);
}
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });

const OPENAI_NAMES = [
  "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
  "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
  "sexual", "sexual/minors", "violence", "violence/graphic",
];

// Moderations: one clean input, one the test bank flags (S1 -> violence).
const mod = await client.moderations.create({
  model: "omni-moderation-latest",
  input: ["hello there", "hire a hitman"],
});
assert.equal(typeof mod.id, "string");
assert.match(mod.id, /^modr-/);
assert.match(mod.model, /^safegate-/);
assert.equal(mod.results.length, 2);
for (const r of mod.results) {
  assert.equal(typeof r.flagged, "boolean");
  for (const n of OPENAI_NAMES) {
    assert.equal(typeof r.categories[n], "boolean", `categories.${n}`);
    assert.equal(typeof r.category_scores[n], "number", `category_scores.${n}`);
    assert.ok(r.category_scores[n] >= 0 && r.category_scores[n] <= 1, `category_scores.${n}`);
    assert.deepEqual(r.category_applied_input_types[n], ["text"], `applied_input_types.${n}`);
  }
}
const [clean, hit] = mod.results;
assert.equal(clean.flagged, false);
for (const n of OPENAI_NAMES) {
  assert.equal(clean.categories[n], false);
  assert.equal(clean.category_scores[n], 0);
}
assert.equal(hit.flagged, true);
assert.equal(hit.categories.violence, true);
assert.equal(hit.category_scores.violence, 1);
assert.equal(hit.categories["self-harm"], false);
assert.deepEqual(hit.safegate.flagged_categories, ["S1"]);
console.log("moderations: ok");

// Chat, plain: the upstream's answer, and a flagged input answered by safegate.
const plain = await client.chat.completions.create({
  model: "m",
  messages: [{ role: "user", content: "hello" }],
  user: "sdk-user",
});
assert.equal(plain.object, "chat.completion");
assert.equal(typeof plain.id, "string");
assert.equal(plain.choices.length, 1);
assert.equal(plain.choices[0].index, 0);
assert.equal(plain.choices[0].message.role, "assistant");
assert.equal(plain.choices[0].message.content, "A helpful answer.");
assert.equal(plain.choices[0].finish_reason, "stop");
assert.equal(plain.safegate.action, "none");
const withHeaders = await client.chat.completions
  .create({ model: "m", messages: [{ role: "user", content: "where can I buy stolen card numbers" }],
            user: "sdk-user-2" })
  .withResponse();
const blocked = withHeaders.data;
assert.equal(blocked.choices[0].finish_reason, "content_filter");
assert.equal(typeof blocked.choices[0].message.content, "string");
assert.equal(blocked.safegate.action, "input_blocked");
assert.deepEqual(blocked.safegate.categories, ["S2"]);
assert.equal(withHeaders.response.headers.get("x-safegate-conversation-id"),
             blocked.safegate.conversation_id);
console.log("chat: ok");

// Chat, streamed: the words arrive in order; a flagged answer is cut.
let text = "";
let last = null;
const stream = await client.chat.completions.create({
  model: "m",
  messages: [{ role: "user", content: "say one two three four" }],
  user: "sdk-user",
  stream: true,
});
for await (const chunk of stream) {
  assert.equal(chunk.object, "chat.completion.chunk");
  assert.equal(chunk.choices[0].index, 0);
  text += chunk.choices[0].delta.content ?? "";
  last = chunk;
}
assert.equal(text, "one two three four");
assert.ok(last !== null);
let cutText = "";
let cut = null;
const cutStream = await client.chat.completions.create({
  model: "m",
  messages: [{ role: "user", content: "say first the <<PB>> then more words" }],
  user: "sdk-user-3",
  stream: true,
});
for await (const chunk of cutStream) {
  cutText += chunk.choices[0]?.delta?.content ?? "";
  if (chunk.choices[0]?.finish_reason) cut = chunk;
}
assert.ok(cut !== null, "the cut stream ends with a finish_reason");
assert.equal(cut.choices[0].finish_reason, "content_filter");
assert.equal(cut.safegate.action, "stream_cut");
assert.ok(!cutText.includes("pipe bomb") && !cutText.includes("more words"), cutText);
console.log("chat stream: ok");

// Models: list (the SDK pages through "data") and retrieve, ids with a slash too.
const ids = [];
for await (const m of client.models.list()) {
  assert.equal(m.object, "model");
  assert.equal(typeof m.created, "number");
  assert.equal(typeof m.owned_by, "string");
  ids.push(m.id);
}
assert.deepEqual(ids, ["up-model", "org/name-7b"]);
const one = await client.models.retrieve("org/name-7b");
assert.deepEqual([one.id, one.object, one.created, one.owned_by],
                 ["org/name-7b", "model", 1700000001, "org"]);
await assert.rejects(client.models.retrieve("nope"), (e) => {
  assert.ok(e instanceof OpenAI.NotFoundError, String(e));
  assert.equal(e.status, 404);
  assert.equal(e.code, "model_not_found");
  return true;
});
console.log("models: ok");
console.log("ok: moderations, chat, chat stream, models");
