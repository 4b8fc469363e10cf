#include "base/crc32c.h"

#include <array>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define FOOTFALL_CRC32C_HW 1
#endif

namespace footfall {
namespace {

constexpr uint32_t kPoly = 0x82f63b78u;  // reflected Castagnoli polynomial

// Slicing-by-8 tables, built at compile time.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}
constexpr auto kTables = MakeTables();

uint32_t Crc32cSoftware(uint32_t c, const unsigned char* p, size_t n) {
  while (n >= 8) {
    const uint32_t lo =
        c ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^
        kTables[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    --n;
  }
  return c;
}

#ifdef FOOTFALL_CRC32C_HW
// The SSE 4.2 crc32 instruction computes CRC-32C; chosen at run time, so the binary still runs
// on processors without it. One CRC is a chain of instructions, each waiting for the last
// (three cycles apiece), while the processor could start one every cycle: so a long input is
// taken in blocks of three lanes, whose CRCs are computed side by side and then joined.

// Bytes per lane: long enough that joining (two table shifts per block) costs little, short
// enough that a record of a few KiB (a POST of ten events) has whole blocks.
constexpr size_t kLane = 512;

__attribute__((target("sse4.2"))) uint64_t Crc32cHardwareChain(uint64_t c, const unsigned char* p,
                                                               size_t n) {
  while (n >= 8) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
  return c;
}

// The CRC register is linear in its bits when only zeros follow, so what kLane zero bytes do to
// it is a 32x32 bit matrix, kept as four tables of 256 (one per byte of the register).
struct LaneShift {
  std::array<std::array<uint32_t, 256>, 4> table;
  uint32_t operator()(uint32_t c) const {
    return table[0][c & 0xff] ^ table[1][(c >> 8) & 0xff] ^ table[2][(c >> 16) & 0xff] ^
           table[3][c >> 24];
  }
};

LaneShift MakeLaneShift() {
  static const std::array<unsigned char, kLane> kZeros{};
  std::array<uint32_t, 32> bit{};  // what the zeros make of each single bit
  for (int i = 0; i < 32; ++i) {
    bit[i] = static_cast<uint32_t>(Crc32cHardwareChain(uint64_t{1} << i, kZeros.data(), kLane));
  }
  LaneShift shift{};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t v = 0;
      for (int j = 0; j < 8; ++j) {
        if (b & (1u << j)) v ^= bit[8 * k + j];
      }
      shift.table[k][b] = v;
    }
  }
  return shift;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(uint32_t c, const unsigned char* p,
                                                          size_t n) {
  if (n >= 3 * kLane) {
    static const LaneShift kShift = MakeLaneShift();
    // The register after A then B is the register after A shifted over |B| zeros, xor the
    // register after B alone (from zero).
    do {
      uint64_t a = c, b = 0, d = 0;
      for (size_t i = 0; i < kLane; i += 8) {
        uint64_t va, vb, vd;
        __builtin_memcpy(&va, p + i, 8);
        __builtin_memcpy(&vb, p + kLane + i, 8);
        __builtin_memcpy(&vd, p + 2 * kLane + i, 8);
        a = _mm_crc32_u64(a, va);
        b = _mm_crc32_u64(b, vb);
        d = _mm_crc32_u64(d, vd);
      }
      c = kShift(kShift(static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b)) ^
          static_cast<uint32_t>(d);
      p += 3 * kLane;
      n -= 3 * kLane;
    } while (n >= 3 * kLane);
  }
  return static_cast<uint32_t>(Crc32cHardwareChain(c, p, n));
}

bool HasHardwareCrc() {
  static const bool kHas = __builtin_cpu_supports("sse4.2");
  return kHas;
}
#endif

}  // namespace

uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
#ifdef FOOTFALL_CRC32C_HW
  if (HasHardwareCrc()) return ~Crc32cHardware(~crc, p, n);
#endif
  return ~Crc32cSoftware(~crc, p, n);
}

uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t n) {
  return ~Crc32cSoftware(~crc, static_cast<const unsigned char*>(data), n);
}

}  // namespace footfall
