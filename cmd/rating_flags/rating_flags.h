#ifndef BATON_CMD_RATING_FLAGS_RATING_FLAGS_H_
#define BATON_CMD_RATING_FLAGS_RATING_FLAGS_H_

// The rating service's flags, shared by every binary that hosts it
// (batond, baton-rating): the organisation's time zone and the
// WatchScoreboard bounds (rating::RatingModuleOptions).

#include "services/rating/rating_module.h"

namespace baton::cmd {

// The options the flags say, sources left unset; a flag out of range exits
// with a message naming it (status 2).
rating::RatingModuleOptions RatingOptionsFromFlags();

}  // namespace baton::cmd

#endif  // BATON_CMD_RATING_FLAGS_RATING_FLAGS_H_
