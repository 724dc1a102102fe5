#ifndef BATON_COMMON_STORAGE_KEY_CODEC_H_
#define BATON_COMMON_STORAGE_KEY_CODEC_H_

// Order-preserving key encoding: the byte order of encoded keys is the order
// of their parts compared one by one, so a RocksDB range scan over a prefix
// lists exactly the keys that start with those parts, in order.
//   U64/U32: big-endian fixed width.
//   Byte: one raw byte (a tag).
//   Str: the bytes with 0x00 written as 0x00 0xFF, ended by 0x00 0x01, so
//        "a" < "a\0" < "ab" and no string's encoding is a prefix of another's.

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace baton::storage {

class KeyWriter {
 public:
  KeyWriter() = default;
  KeyWriter& Byte(uint8_t b);
  KeyWriter& U32(uint32_t v);
  KeyWriter& U64(uint64_t v);
  KeyWriter& Str(absl::string_view s);
  const std::string& key() const { return key_; }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads parts back in the order they were written. Each method returns false
// (and leaves the reader unusable) when the next part is malformed.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  bool Byte(uint8_t* b);
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool Str(std::string* s);
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

// The smallest key greater than every key that starts with `prefix`; empty
// when there is none (the prefix is all 0xFF).
std::string PrefixEnd(absl::string_view prefix);

}  // namespace baton::storage

#endif  // BATON_COMMON_STORAGE_KEY_CODEC_H_
