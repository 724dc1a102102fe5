#ifndef BATON_COMMON_API_PAGING_H_
#define BATON_COMMON_API_PAGING_H_

// List paging (AIP-158) for every Baton service: page sizes, opaque page
// tokens bound to the list's filter, and a bounded scan of a key range.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/storage/store.h"

namespace baton::api {

// Page sizes: 0 → 50, above 500 → 500; negative → INVALID_ARGUMENT.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
absl::StatusOr<int> PageSize(int requested);

// A page token carries the key of the last item served and a fingerprint
// of the filter the list was made with (every request field but page_size
// and page_token, in a canonical form the service chooses, e.g.
// "chain=chains/x;state=2"): a token used with another filter would skip
// or repeat items, so it is refused. Opaque and web-safe.
std::string EncodePageToken(absl::string_view filter, absl::string_view last);
// The last key of the previous page. INVALID_ARGUMENT (page_token) when it
// is not one of ours, or was made for a different filter.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter);

// At most this many entries are examined per list call; a page may come
// back short with a token to go on (AIP-158 allows short pages), so no call
// scans without bound whatever the data size.
inline constexpr int kMaxScanPerPage = 5000;

// Called for each entry of a scan with the key after the prefix and the
// value; sets *taken when the entry went into the page.
using ScanVisitor =
    std::function<absl::Status(absl::string_view suffix, absl::string_view value, bool* taken)>;

struct ScanRequest {
  // The durable state is read (Store::DurableReads); `cf` and the keys
  // starting with one of `prefixes`. With several prefixes their entries
  // are visited merged, in the order of the key after the prefix (the
  // suffix), as one list: e.g. one index per state, listed together in id
  // order. A suffix should appear under one prefix only.
  const storage::Store* store = nullptr;
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::vector<std::string> prefixes;
  // As sent by the client, and the filter it is bound to.
  std::string page_token;
  std::string filter;
  int page_size = kDefaultPageSize;
  // Optional bounds on the suffix, the same under every prefix: the scan
  // starts at the first suffix >= `start_at` (a page token resumes after
  // its key when that is later) and stops before the first suffix >=
  // `end_before` ("" = no bound), e.g. a time range of a time-ordered
  // index. Say them in `filter` too, so that a token is refused with others.
  std::string start_at;
  std::string end_before;
};

// Scans from just after the page token's key, visiting entries until
// `page_size` were taken or kMaxScanPerPage examined; sets
// *next_page_token when more may follow. Errors: the token's, the
// visitor's, and storage errors.
absl::Status ScanPage(const ScanRequest& request, const ScanVisitor& visit,
                      std::string* next_page_token);

}  // namespace baton::api

#endif  // BATON_COMMON_API_PAGING_H_
