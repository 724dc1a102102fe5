#include "common/text/text.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace baton::text {
namespace {

// Decodes one code point at s[i]; returns its length or 0 when malformed.
size_t DecodeOne(absl::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t lead = b(0);
  size_t len;
  uint32_t min;
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

}  // namespace

std::optional<size_t> CountCodePoints(absl::string_view s) {
  size_t count = 0;
  uint32_t cp;
  for (size_t i = 0; i < s.size(); ++count) {
    const size_t len = DecodeOne(s, i, &cp);
    if (len == 0) return std::nullopt;
    i += len;
  }
  return count;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, const TextLimits& limits) {
  size_t count = 0;
  uint32_t cp;
  for (size_t i = 0; i < value.size(); ++count) {
    const size_t len = DecodeOne(value, i, &cp);
    if (len == 0) {
      return InvalidField(std::string(field),
                          absl::StrCat("not valid UTF-8 (byte offset ", i, ")"));
    }
    const bool newline_ok = limits.allow_newlines && (cp == '\n' || cp == '\r' || cp == '\t');
    if (IsControl(cp) && !newline_ok) {
      return InvalidField(std::string(field),
                          absl::StrCat("holds control character U+", absl::Hex(cp, absl::kZeroPad4),
                                       " at character ", count));
    }
    i += len;
  }
  if (count < limits.min_chars) {
    return InvalidField(std::string(field), limits.min_chars == 1
                                                ? std::string("is required")
                                                : absl::StrCat("needs at least ", limits.min_chars,
                                                               " characters, has ", count));
  }
  if (count > limits.max_chars) {
    return InvalidField(std::string(field), absl::StrCat("is ", count, " characters; at most ",
                                                         limits.max_chars, " allowed"));
  }
  if (count > 0 && absl::StripAsciiWhitespace(value).empty()) {
    return InvalidField(std::string(field), "is only whitespace");
  }
  return absl::OkStatus();
}

absl::Status CheckResourceId(absl::string_view field, absl::string_view id) {
  const auto bad = [&](std::string why) { return InvalidField(std::string(field), why); };
  if (id.empty()) return bad("is required");
  if (id.size() > 63) return bad(absl::StrCat("is ", id.size(), " characters; at most 63 allowed"));
  if (!absl::ascii_islower(id.front())) return bad("must start with a lower-case letter a-z");
  if (id.back() == '-') return bad("must not end with '-'");
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') {
      return bad("may hold only a-z, 0-9 and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view field, absl::string_view id) {
  if (id.size() > 128) {
    return InvalidField(std::string(field),
                        absl::StrCat("is ", id.size(), " characters; at most 128 allowed"));
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') {
      return InvalidField(std::string(field), "may hold only A-Z, a-z, 0-9, '.', '_', ':' and '-'");
    }
  }
  return absl::OkStatus();
}

}  // namespace baton::text
