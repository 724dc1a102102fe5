// Ratings: the reads. They see the last durable state, check who may read
// what (rating_access.h) and never take the commit queue. Listing a team's
// ratings asks the handoff service for the team's department only when the
// caller could be let in by heading it.

#include <string>
#include <utility>

#include "common/api/names.h"
#include "common/api/paging.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "services/feedback/feedback_store.h"
#include "services/feedback/keys.h"
#include "services/feedback/rating_access.h"
#include "services/feedback/validation.h"

namespace baton::feedback {

absl::Status FeedbackStore::GetRating(const Caller& caller, const v1::GetRatingRequest& request,
                                      v1::GetRatingResponse* response) const {
  ASSIGN_OR_RETURN(std::string id, api::ParseName("name", request.name(), api::kRatings));
  v1::Rating rating;
  RETURN_IF_ERROR(ReadProto(ratings_, keys::Id(id), request.name(), &rating));
  RETURN_IF_ERROR(RequireRatingViewer(caller, rating));
  *response->mutable_rating() = std::move(rating);
  return absl::OkStatus();
}

void FeedbackStore::ListRatings(const Caller& caller, const v1::ListRatingsRequest& request,
                                v1::ListRatingsResponse* response, Done done) const {
  absl::StatusOr<RatingsQuery> valid = Validate(request);
  if (!valid.ok()) return done(valid.status());
  const RatingsQuery query = *std::move(valid);
  // Oldest first within [start, end): the index sorts by create time.
  auto scan = [this, &request, response, query]() -> absl::Status {
    const std::string prefix = keys::RatingPrefix(query.by, query.owner_id);
    auto suffix = [&](absl::Time time) {
      return keys::RatingFrom(query.by, query.owner_id, time).substr(prefix.size());
    };
    return api::ScanPage(
        {.store = store_,
         .cf = index_,
         .prefixes = {prefix},
         .page_token = request.page_token(),
         .filter = query.filter,
         .page_size = query.page_size,
         .start_at = query.start == absl::InfinitePast() ? "" : suffix(query.start),
         .end_before = query.end == absl::InfiniteFuture() ? "" : suffix(query.end)},
        [&](absl::string_view key, absl::string_view, bool* taken) -> absl::Status {
          storage::KeyReader reader(key);
          uint64_t micros = 0;
          std::string id;
          if (!reader.U64(&micros) || !reader.Str(&id) || !reader.done()) {
            return absl::DataLossError("rating index holds a malformed key");
          }
          RETURN_IF_ERROR(ReadProto(ratings_, keys::Id(id), api::Name(api::kRatings, id),
                                    response->add_ratings()));
          *taken = true;
          return absl::OkStatus();
        },
        response->mutable_next_page_token());
  };
  if (query.by == keys::RatingBy::kChain) {
    absl::Status allowed = RequireChainRatingsViewer(caller, query.owner_id);
    return done(allowed.ok() ? scan() : allowed);
  }
  if (MayListTeamRatingsAnyway(caller, query.owner_id)) return done(scan());
  facts_->Team(query.owner_id, FactsDeadline(caller),
               [caller, scan = std::move(scan),
                done = std::move(done)](absl::StatusOr<TeamFact> team) mutable {
                 if (!team.ok()) return done(team.status());
                 absl::Status allowed =
                     RequireTeamRatingsViewer(caller, team->team_id, team->department_id);
                 done(allowed.ok() ? scan() : allowed);
               });
}

}  // namespace baton::feedback
