// Random numbers and UUIDs. `Rng` is a small, fast, seedable generator (splitmix64 seeding
// xoshiro256**) so that generated traffic is reproducible from a seed; `RandomSeed` draws a
// seed from the operating system for identifiers that must not be guessable across processes.
#pragma once

#include <cstdint>
#include <string>

namespace footfall {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Uniform(uint64_t n);
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t s_[4];
};

uint64_t RandomSeed();

// A version 4 UUID in canonical lower-case form, from `rng`.
std::string NewUuid(Rng& rng);
void AppendUuid(Rng& rng, std::string* out);  // the same, appended to `out`

// True for a canonical 8-4-4-4-12 hexadecimal UUID (either case).
bool IsUuid(const std::string& s);

}  // namespace footfall
