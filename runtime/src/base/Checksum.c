/*===- Checksum.c - The artifact checksum (fmc_checksum64) ----------------===*/

#include "runtime/src/base/Checksum.h"

#include <string.h>

static const uint64_t kSeed = 0x9E3779B97F4A7C15ull;
static const uint64_t kWordMul = 0x87C37B91114253D5ull;
static const uint64_t kRoundMul = 0x4CF5AD432745937Full;
static const uint64_t kFinalMul = 0xFF51AFD7ED558CCDull;

static uint64_t rotl64(uint64_t x, unsigned r) {
  return (x << r) | (x >> (64 - r));
}

static uint64_t mixWord(uint64_t h, uint64_t w) {
  return rotl64(h ^ (w * kWordMul), 31) * kRoundMul;
}

static uint64_t loadLE64(const unsigned char *p) {
  uint64_t w = 0;
  for (unsigned i = 0; i < 8; ++i)
    w |= (uint64_t)p[i] << (8 * i);
  return w;
}

void fmc_checksum64_init(fmc_checksum64_state_t *state, uint64_t total_size) {
  state->hash = kSeed ^ total_size;
  state->pending = 0;
  state->pending_bytes = 0;
}

void fmc_checksum64_update(fmc_checksum64_state_t *state, const void *data,
                           size_t size) {
  const unsigned char *p = (const unsigned char *)data;
  /* Complete a partial word left by the previous call. */
  while (state->pending_bytes != 0 && size != 0) {
    state->pending |= (uint64_t)*p++ << (8 * state->pending_bytes);
    --size;
    if (++state->pending_bytes == 8) {
      state->hash = mixWord(state->hash, state->pending);
      state->pending = 0;
      state->pending_bytes = 0;
    }
  }
  for (; size >= 8; size -= 8, p += 8)
    state->hash = mixWord(state->hash, loadLE64(p));
  for (; size != 0; --size)
    state->pending |= (uint64_t)*p++ << (8 * state->pending_bytes++);
}

uint64_t fmc_checksum64_final(fmc_checksum64_state_t *state) {
  uint64_t h = state->hash;
  /* The last partial word is zero-padded, which `pending` already is. */
  if (state->pending_bytes != 0)
    h = mixWord(h, state->pending);
  h ^= h >> 33;
  h *= kFinalMul;
  h ^= h >> 33;
  return h;
}

uint64_t fmc_checksum64(const void *data, size_t size) {
  fmc_checksum64_state_t state;
  fmc_checksum64_init(&state, size);
  fmc_checksum64_update(&state, data, size);
  return fmc_checksum64_final(&state);
}
