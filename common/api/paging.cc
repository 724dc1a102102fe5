#include "common/api/paging.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace baton::api {
namespace {

constexpr absl::string_view kTokenVersion = "v2";

// FNV-1a: stable across processes and builds (absl::Hash is seeded per
// process), and a fingerprint, not a secret: tokens grant nothing.
uint64_t Fingerprint(absl::string_view filter) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : filter) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(absl::string_view filter, absl::string_view last) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      kTokenVersion, ":", absl::Hex(Fingerprint(filter), absl::kZeroPad16), ":", last));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter) {
  std::string raw;
  // version ":" 16 hex digits ":" last
  constexpr size_t kHeader = 2 + 1 + 16 + 1;
  uint64_t fingerprint = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < kHeader ||
      !absl::StartsWith(raw, kTokenVersion) || raw[2] != ':' || raw[19] != ':' ||
      !absl::SimpleHexAtoi(absl::string_view(raw).substr(3, 16), &fingerprint)) {
    return InvalidField("page_token", "is not a token from a previous page of this list");
  }
  if (fingerprint != Fingerprint(filter)) {
    return InvalidField("page_token",
                        "was made for a list with other filters; keep the filters of the first "
                        "page, or start again without a token");
  }
  return raw.substr(kHeader);
}

namespace {

// One prefix's range of a merged scan.
struct Range {
  std::string prefix;
  std::string end;  // the upper bound; "" when the prefix has none
  rocksdb::Slice upper;
  std::unique_ptr<rocksdb::Iterator> it;

  absl::string_view Suffix() const {
    return absl::string_view(it->key().data(), it->key().size()).substr(prefix.size());
  }
};

}  // namespace

absl::Status ScanPage(const ScanRequest& request, const ScanVisitor& visit,
                      std::string* next_page_token) {
  std::string after;  // the suffix to start after; none on the first page
  if (!request.page_token.empty()) {
    ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token, request.filter));
    after.push_back('\0');  // the smallest suffix after the token's
  }
  std::shared_ptr<const rocksdb::Snapshot> pin;
  const rocksdb::ReadOptions durable = request.store->DurableReads(&pin);
  // Ranges never move once their iterators exist (Slices point into them).
  std::vector<Range> ranges(request.prefixes.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    Range& range = ranges[i];
    range.prefix = request.prefixes[i];
    range.end = request.end_before.empty() ? storage::PrefixEnd(range.prefix)
                                           : range.prefix + request.end_before;
    rocksdb::ReadOptions options = durable;
    range.upper = rocksdb::Slice(range.end);
    if (!range.end.empty()) options.iterate_upper_bound = &range.upper;
    range.it.reset(request.store->db()->NewIterator(options, request.cf));
    range.it->Seek(range.prefix + std::max(after, request.start_at));
    RETURN_IF_ERROR(FromRocksDb(range.it->status()));
  }
  int taken_count = 0;
  int scanned = 0;
  std::string last_examined;
  while (true) {
    // The range whose next suffix is smallest (few ranges: a linear pick).
    Range* next = nullptr;
    for (Range& range : ranges) {
      if (range.it->Valid() && (next == nullptr || range.Suffix() < next->Suffix())) {
        next = &range;
      }
    }
    if (next == nullptr) break;
    if (taken_count == request.page_size || scanned == kMaxScanPerPage) {
      // More remain: resume after the last key examined.
      *next_page_token = EncodePageToken(request.filter, last_examined);
      return absl::OkStatus();
    }
    const absl::string_view suffix = next->Suffix();
    bool taken = false;
    RETURN_IF_ERROR(visit(suffix, {next->it->value().data(), next->it->value().size()}, &taken));
    taken_count += taken;
    ++scanned;
    last_examined.assign(suffix.data(), suffix.size());
    next->it->Next();
    RETURN_IF_ERROR(FromRocksDb(next->it->status()));
  }
  return absl::OkStatus();
}

}  // namespace baton::api
