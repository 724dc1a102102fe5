#include "common/server/raw_unary.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/text/text.h"
#include "google/protobuf/unknown_field_set.h"

namespace baton::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// Nesting followed when looking for the bad field; deeper messages are not
// searched (the request is still refused, without a field name).
constexpr int kMaxDepth = 16;

// Walks the wire form of a message (as unknown fields, which parse without
// UTF-8 checks) and returns the path of the first string field that is not
// valid UTF-8, or "" when there is none.
// Linear: one pass over the fields of each message, counting the entries
// of each repeated field as it goes (an index is where the entry falls
// among the entries with its field number); each level of nesting reads
// its bytes once, and nesting is bounded by kMaxDepth.
std::string FindInvalidUtf8(const Descriptor* descriptor, const std::string& bytes,
                            const std::string& prefix, int depth) {
  UnknownFieldSet fields;
  if (depth > kMaxDepth || !fields.ParseFromString(bytes)) return "";
  absl::flat_hash_map<int, int> entries_seen;  // field number → entries so far
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& field = fields.field(i);
    const int index = entries_seen[field.number()]++;
    if (field.type() != UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const FieldDescriptor* fd = descriptor->FindFieldByNumber(field.number());
    if (fd == nullptr) continue;
    if (fd->type() != FieldDescriptor::TYPE_STRING && fd->type() != FieldDescriptor::TYPE_MESSAGE) {
      continue;
    }
    std::string path = prefix + fd->name();
    if (fd->is_repeated() && !fd->is_map()) absl::StrAppend(&path, "[", index, "]");
    if (fd->type() == FieldDescriptor::TYPE_STRING) {
      if (!text::CountCodePoints(field.length_delimited()).has_value()) return path;
    } else if (fd->type() == FieldDescriptor::TYPE_MESSAGE) {
      std::string found =
          FindInvalidUtf8(fd->message_type(), field.length_delimited(), path + ".", depth + 1);
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::string ToBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

absl::Status ParseRequest(const std::string& bytes, google::protobuf::Message* message) {
  if (message->ParseFromString(bytes)) return absl::OkStatus();
  std::string field = FindInvalidUtf8(message->GetDescriptor(), bytes, "", 0);
  if (!field.empty()) return InvalidField(field, "not valid UTF-8");
  return absl::InvalidArgumentError(
      absl::StrCat("request is not a valid ", message->GetDescriptor()->full_name()));
}

}  // namespace baton::server
