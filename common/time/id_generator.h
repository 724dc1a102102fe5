#ifndef BATON_COMMON_TIME_ID_GENERATOR_H_
#define BATON_COMMON_TIME_ID_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/time/clock.h"

namespace baton {

// Makes time-ordered ids in the manner of ULID: 48 bits of milliseconds and
// 80 random bits, written as 26 lower-case Crockford base-32 characters, so
// that ids sort by creation time as strings and as RocksDB keys. Within one
// millisecond the random part is incremented, so ids from one generator are
// strictly increasing even if the clock stalls or steps back.
// Thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock* clock);
  std::string Next();

 private:
  const Clock* clock_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  uint64_t last_ms_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rand_hi_ ABSL_GUARDED_BY(mu_) = 0;  // top 16 of the 80 random bits
  uint64_t rand_lo_ ABSL_GUARDED_BY(mu_) = 0;  // low 64 bits
};

}  // namespace baton

#endif  // BATON_COMMON_TIME_ID_GENERATOR_H_
