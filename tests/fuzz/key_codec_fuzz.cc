// Fuzzes the order-preserving key codec (common/storage/key_codec.h).
//
// From the input it draws a shape (a list of part kinds) and two keys of that
// shape, `a` and `b` (b's parts often copy a's, so that near-equal keys are
// common), then checks:
//  1. round trip: each key, written with KeyWriter, reads back with KeyReader
//     to the same parts, and the reader is then done;
//  2. order: the encoded keys compare as bytes exactly as their parts compare
//     one by one (what makes RocksDB range scans correct);
//  3. arbitrary bytes: the rest of the input, read with the same shape, never
//     crashes, and the parts that read back re-encode to a prefix of those
//     bytes (one encoding per key: nothing else decodes to the same parts);
//  4. PrefixEnd: a key sorts below PrefixEnd of any prefix of it, and
//     PrefixEnd(p) itself does not start with p.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/storage/key_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace baton::fuzz {
namespace {

using storage::KeyReader;
using storage::KeyWriter;
using storage::PrefixEnd;

enum class Kind : uint8_t { kByte, kU32, kU64, kStr, kMaxValue = kStr };

struct Part {
  Kind kind;
  uint64_t number = 0;  // kByte, kU32, kU64
  std::string text;     // kStr
};

constexpr size_t kMaxParts = 8;
constexpr size_t kMaxStrBytes = 64;

Part DrawPart(FuzzedDataProvider& in, Kind kind) {
  Part part{kind};
  switch (kind) {
    case Kind::kByte:
      part.number = in.ConsumeIntegral<uint8_t>();
      break;
    case Kind::kU32:
      part.number = in.ConsumeIntegral<uint32_t>();
      break;
    case Kind::kU64:
      part.number = in.ConsumeIntegral<uint64_t>();
      break;
    case Kind::kStr:
      part.text = in.ConsumeRandomLengthString(kMaxStrBytes);
      break;
  }
  return part;
}

std::string Encode(const std::vector<Part>& parts) {
  KeyWriter writer;
  for (const Part& part : parts) {
    switch (part.kind) {
      case Kind::kByte:
        writer.Byte(static_cast<uint8_t>(part.number));
        break;
      case Kind::kU32:
        writer.U32(static_cast<uint32_t>(part.number));
        break;
      case Kind::kU64:
        writer.U64(part.number);
        break;
      case Kind::kStr:
        writer.Str(part.text);
        break;
    }
  }
  return writer.Take();
}

// Reads parts of `shape` from `key` until one fails; returns those read.
std::vector<Part> Decode(const std::string& key, const std::vector<Kind>& shape, bool* all_read,
                         bool* done) {
  KeyReader reader(key);
  std::vector<Part> parts;
  *all_read = false;
  for (Kind kind : shape) {
    Part part{kind};
    bool ok = false;
    switch (kind) {
      case Kind::kByte: {
        uint8_t b = 0;
        ok = reader.Byte(&b);
        part.number = b;
        break;
      }
      case Kind::kU32: {
        uint32_t v = 0;
        ok = reader.U32(&v);
        part.number = v;
        break;
      }
      case Kind::kU64:
        ok = reader.U64(&part.number);
        break;
      case Kind::kStr:
        ok = reader.Str(&part.text);
        break;
    }
    if (!ok) return parts;
    parts.push_back(std::move(part));
  }
  *all_read = true;
  *done = reader.done();
  return parts;
}

// <0, 0, >0 as the parts compare one by one (strings as unsigned bytes).
int Compare(const std::vector<Part>& a, const std::vector<Part>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].kind == Kind::kStr) {
      if (int c = a[i].text.compare(b[i].text); c != 0) return c;
    } else if (a[i].number != b[i].number) {
      return a[i].number < b[i].number ? -1 : 1;
    }
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int Sign(int c) { return (c > 0) - (c < 0); }

bool SameParts(const std::vector<Part>& a, const std::vector<Part>& b) {
  return a.size() == b.size() && Compare(a, b) == 0;
}

std::string Hex(const std::string& s) { return absl::BytesToHexString(s); }

void CheckRoundTrip(const std::vector<Kind>& shape, const std::vector<Part>& parts,
                    const std::string& key) {
  bool all_read = false;
  bool done = false;
  std::vector<Part> back = Decode(key, shape, &all_read, &done);
  FUZZ_CHECK(all_read && done && SameParts(parts, back), "key ", Hex(key),
             " does not read back to the parts written");
}

void CheckPrefixEnd(const std::string& key, size_t prefix_size) {
  const std::string prefix = key.substr(0, prefix_size);
  const std::string end = PrefixEnd(prefix);
  if (end.empty()) {
    FUZZ_CHECK(prefix.find_first_not_of('\xFF') == std::string::npos,
               "PrefixEnd is empty for a prefix that is not all 0xFF: ", Hex(prefix));
    return;
  }
  FUZZ_CHECK(key < end, "key ", Hex(key), " is not below PrefixEnd(", Hex(prefix),
             ") = ", Hex(end));
  FUZZ_CHECK(!absl::StartsWith(end, prefix), "PrefixEnd(", Hex(prefix), ") = ", Hex(end),
             " starts with the prefix");
}

}  // namespace
}  // namespace baton::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace baton::fuzz;  // NOLINT(build/namespaces): a fuzz entry point
  FuzzedDataProvider in(data, size);

  std::vector<Kind> shape(in.ConsumeIntegralInRange<size_t>(0, kMaxParts));
  for (Kind& kind : shape) kind = in.ConsumeEnum<Kind>();
  std::vector<Part> a;
  std::vector<Part> b;
  for (Kind kind : shape) {
    a.push_back(DrawPart(in, kind));
    b.push_back(in.ConsumeBool() ? a.back() : DrawPart(in, kind));
  }
  const std::string key_a = Encode(a);
  const std::string key_b = Encode(b);

  CheckRoundTrip(shape, a, key_a);
  CheckRoundTrip(shape, b, key_b);
  FUZZ_CHECK(Sign(key_a.compare(key_b)) == Sign(Compare(a, b)), "keys ", Hex(key_a), " and ",
             Hex(key_b), " do not compare as their parts do");
  CheckPrefixEnd(key_a, in.ConsumeIntegralInRange<size_t>(0, key_a.size()));

  const std::string raw = in.ConsumeRemainingBytesAsString();
  bool all_read = false;
  bool done = false;
  std::vector<Part> parts = Decode(raw, shape, &all_read, &done);
  const std::string again = Encode(parts);
  FUZZ_CHECK(absl::StartsWith(raw, again), "bytes ", Hex(raw), " read as parts that encode to ",
             Hex(again));
  if (all_read && done) {
    FUZZ_CHECK(raw == again, "bytes ", Hex(raw), " read fully but re-encode to ", Hex(again));
  }
  return 0;
}
