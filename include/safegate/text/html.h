// HTML character references, read as a browser or a Markdown renderer shows
// them. A model told to "write every o as &#111;" produces "b&#111;mb", which
// a chat page renders as "bomb" while the keyword matcher reads "b&#111;mb";
// the moderation gate (moderation/gate.h) therefore also checks the decoded
// text of any text that has references, with spans mapped back.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::text {

// Decodes the character references of `in` once: numeric ones as an HTML5
// browser reads them, which is wider than CommonMark's ("&#" decimal digits
// or "&#x" hex digits, any number of them, the ";" optional: a page that
// inserts a model's answer as HTML shows "b&#111mb" and "b&#000111;mb" as
// "bomb"), and the named references &amp; &lt; &gt; &quot; &apos; &nbsp; &shy;
// &zwj; &zwnj; &lrm; &rlm;). A reference to 0, a surrogate or a code point
// past U+10FFFF becomes U+FFFD. Returns false (and leaves *out alone) when
// `in` has none. Otherwise *out is the decoded text and (*begin)[i],
// (*end)[i] the byte range of `in` that byte i of *out came from (a whole
// reference for each byte of its character); "&amp;#111;" decodes to
// "&#111;", not "o".
bool DecodeHtmlReferences(std::string_view in, std::string* out, std::vector<size_t>* begin,
                          std::vector<size_t>* end);

}  // namespace safegate::text
