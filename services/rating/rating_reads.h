#ifndef BATON_SERVICES_RATING_RATING_READS_H_
#define BATON_SERVICES_RATING_RATING_READS_H_

// The read RPCs' domain: each validates its request (validation.h: every
// wrong field in one INVALID_ARGUMENT, before anything is read), then asks
// RatingQueries. Knows nothing of gRPC (rating_service.cc adapts it).
//
// Access: any authenticated caller. Scores, scorecards, scoreboards and
// funnels are about teams' work, not people: they carry no names, no
// comments and no grievance (docs/architecture.md, "Who may do and read
// what"), and a wall screen in the hall shows them to everyone.

#include "absl/status/status.h"
#include "baton/rating/v1/rating_service.pb.h"
#include "common/auth/caller.h"
#include "common/server/raw_unary.h"
#include "services/rating/rating_queries.h"
#include "services/rating/scoreboard_cache.h"

namespace baton::rating {

// Thread-safe (RatingQueries is).
class RatingReads {
 public:
  // Neither is owned; both must outlive this. Scoreboards are answered
  // through `scoreboards` (fed the consumers' change marks) when given.
  explicit RatingReads(const RatingQueries* queries, ScoreboardCache* scoreboards = nullptr)
      : queries_(queries), scoreboards_(scoreboards) {}

  // Errors: INVALID_ARGUMENT naming the fields; then RatingQueries's
  // (NOT_FOUND naming the resource, DATA_LOSS, RocksDB's).
  absl::Status GetHandoffScore(const auth::Caller& caller,
                               const v1::GetHandoffScoreRequest& request,
                               v1::GetHandoffScoreResponse* response) const;
  absl::Status GetTeamScorecard(const auth::Caller& caller,
                                const v1::GetTeamScorecardRequest& request,
                                v1::GetTeamScorecardResponse* response) const;
  // Answers with the serialised GetDepartmentScoreboardResponse, kept in
  // the cache between changes: a repeated question costs no query and no
  // serialisation.
  absl::Status GetDepartmentScoreboard(const auth::Caller& caller,
                                       const v1::GetDepartmentScoreboardRequest& request,
                                       server::SerializedResponse* response) const;
  absl::Status GetChainFunnel(const auth::Caller& caller, const v1::GetChainFunnelRequest& request,
                              v1::GetChainFunnelResponse* response) const;

 private:
  const RatingQueries* const queries_;
  ScoreboardCache* const scoreboards_;
};

}  // namespace baton::rating

#endif  // BATON_SERVICES_RATING_RATING_READS_H_
