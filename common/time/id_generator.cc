#include "common/time/id_generator.h"

#include <algorithm>

namespace baton {
namespace {
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford
}  // namespace

IdGenerator::IdGenerator(const Clock* clock) : clock_(clock), rng_(std::random_device{}()) {}

std::string IdGenerator::Next() {
  uint64_t ms, hi, lo;
  {
    absl::MutexLock lock(&mu_);
    const int64_t now = absl::ToUnixMillis(clock_->Now());
    ms = static_cast<uint64_t>(std::max<int64_t>(now, 0)) & ((1ULL << 48) - 1);
    if (ms <= last_ms_) {
      ms = last_ms_;
      if (++rand_lo_ == 0) rand_hi_ = (rand_hi_ + 1) & 0xFFFF;
    } else {
      last_ms_ = ms;
      rand_lo_ = rng_();
      rand_hi_ = rng_() & 0xFFFF;
    }
    hi = rand_hi_;
    lo = rand_lo_;
  }
  // 128 bits = 48 time + 80 random, written as 26 characters of 5 bits (130 bits:
  // the top two are zero).
  std::string out(26, '0');
  unsigned __int128 v =
      (static_cast<unsigned __int128>(ms) << 80) | (static_cast<unsigned __int128>(hi) << 64) | lo;
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[static_cast<int>(v & 31)];
    v >>= 5;
  }
  return out;
}

}  // namespace baton
