#include "common/storage/key_codec.h"

namespace baton::storage {

KeyWriter& KeyWriter::Byte(uint8_t b) {
  key_.push_back(static_cast<char>(b));
  return *this;
}

KeyWriter& KeyWriter::U32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) key_.push_back(static_cast<char>(v >> shift));
  return *this;
}

KeyWriter& KeyWriter::U64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) key_.push_back(static_cast<char>(v >> shift));
  return *this;
}

KeyWriter& KeyWriter::Str(absl::string_view s) {
  for (char c : s) {
    key_.push_back(c);
    if (c == '\0') key_.push_back('\xFF');
  }
  key_.push_back('\0');
  key_.push_back('\x01');
  return *this;
}

bool KeyReader::Byte(uint8_t* b) {
  if (rest_.empty()) return false;
  *b = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return true;
}

bool KeyReader::U32(uint32_t* v) {
  if (rest_.size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v = (*v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(4);
  return true;
}

bool KeyReader::U64(uint64_t* v) {
  if (rest_.size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return true;
}

bool KeyReader::Str(std::string* s) {
  s->clear();
  for (size_t i = 0; i + 1 < rest_.size(); ++i) {
    if (rest_[i] != '\0') {
      s->push_back(rest_[i]);
      continue;
    }
    if (rest_[i + 1] == '\x01') {
      rest_.remove_prefix(i + 2);
      return true;
    }
    if (rest_[i + 1] != '\xFF') break;
    s->push_back('\0');
    ++i;
  }
  rest_ = {};
  return false;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<uint8_t>(end.back()) != 0xFF) {
      end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace baton::storage
