// What the corpus library says about a NUL byte in a file's text (private to
// the corpus library). One message for both places that meet one: the plan,
// which reads the first 4 KiB of each file's text (source.cc CheckText), and
// the reader, which reads the rest (reader.cc). Either way the file is
// refused: a NUL byte means binary data or UTF-16/UTF-32 text, whose lines do
// not say what the bytes say, wherever in the file it first shows.
#pragma once

#include <cstdint>
#include <string>

namespace safegate::corpus::internal {

// "has a NUL byte at offset N of its text: binary data ... not UTF-8 text";
// `offset` counts bytes of the file's text (decompressed for .gz/.zst).
inline std::string NulByteRefusal(uint64_t offset) {
  return "has a NUL byte at offset " + std::to_string(offset) +
         " of its text: binary data (Parquet, an image, ...) or UTF-16/UTF-32 text without a "
         "byte order mark, not UTF-8 text";
}

}  // namespace safegate::corpus::internal
