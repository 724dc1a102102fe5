#include "common/storage/request_ledger.h"

#include <openssl/sha.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace baton::storage {
namespace {

// SHA-256 of the deterministic encoding (map entries sorted), so the same
// request always has the same fingerprint.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

constexpr absl::string_view kV2Magic("\xFFLEDGER\x02", 8);
constexpr size_t kV2Header = kV2Magic.size() + 8;

}  // namespace

std::string RequestLedger::Encode(absl::Time recorded, absl::string_view fingerprint,
                                  absl::string_view response) {
  return absl::StrCat(kV2Magic,
                      KeyWriter().U64(static_cast<uint64_t>(absl::ToUnixMicros(recorded))).Take(),
                      fingerprint, response);
}

absl::StatusOr<RequestLedger::Record> RequestLedger::Decode(absl::string_view value) {
  Record record;
  if (absl::StartsWith(value, kV2Magic)) {
    if (value.size() < kV2Header + SHA256_DIGEST_LENGTH) {
      return absl::DataLossError("stored request record is truncated");
    }
    KeyReader reader(value.substr(kV2Magic.size(), 8));
    uint64_t micros = 0;
    if (!reader.U64(&micros)) return absl::DataLossError("stored request record is truncated");
    record.recorded = absl::FromUnixMicros(static_cast<int64_t>(micros));
    value.remove_prefix(kV2Header);
  } else if (value.size() < SHA256_DIGEST_LENGTH) {
    return absl::DataLossError("stored request record is truncated");
  }
  record.fingerprint = std::string(value.substr(0, SHA256_DIGEST_LENGTH));
  record.response = std::string(value.substr(SHA256_DIGEST_LENGTH));
  return record;
}

absl::Status RequestLedger::Run(Transaction& tx, absl::string_view caller, absl::string_view method,
                                absl::string_view request_id,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response,
                                absl::FunctionRef<absl::Status()> body) const {
  if (request_id.empty()) return body();
  const std::string key = KeyWriter().Str(caller).Str(method).Str(request_id).Take();
  const std::string fingerprint = Fingerprint(request);
  ASSIGN_OR_RETURN(std::optional<std::string> seen, tx.Get(cf_, key));
  if (seen.has_value()) {
    ASSIGN_OR_RETURN(Record record, Decode(*seen));
    if (record.fingerprint != fingerprint) {
      return InvalidField("request_id",
                          "was already used for a different request; use a new id per change");
    }
    if (!response->ParseFromString(record.response)) {
      return absl::DataLossError("stored response does not parse");
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(body());
  tx.Put(cf_, key, Encode(tx.now(), fingerprint, response->SerializeAsString()));
  return absl::OkStatus();
}

}  // namespace baton::storage
