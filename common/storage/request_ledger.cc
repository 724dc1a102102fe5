#include "common/storage/request_ledger.h"

#include <openssl/sha.h>

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

}  // namespace

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
    // Value: 32-byte fingerprint, then the response.
    if (seen->size() < SHA256_DIGEST_LENGTH) {
      return absl::DataLossError("stored request record is truncated");
    }
    if (seen->compare(0, SHA256_DIGEST_LENGTH, fingerprint) != 0) {
      return InvalidField("request_id",
                          "was already used for a different request; use a new id per change");
    }
    if (!response->ParseFromArray(seen->data() + SHA256_DIGEST_LENGTH,
                                  static_cast<int>(seen->size() - SHA256_DIGEST_LENGTH))) {
      return absl::DataLossError("stored response does not parse");
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(body());
  tx.Put(cf_, key, fingerprint + response->SerializeAsString());
  return absl::OkStatus();
}

}  // namespace baton::storage
