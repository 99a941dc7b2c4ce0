/*===- Checksum.h - The artifact checksum (fmc_checksum64) ----------------===*\
|*                                                                            *|
|* The 64-bit hash that protects the sections of an fmc artifact, exactly as  *|
|* defined in docs/ARTIFACT.md. Plain C so that both the compiler (writer)    *|
|* and the runtime (reader) link the same definition.                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef FMC_RUNTIME_BASE_CHECKSUM_H
#define FMC_RUNTIME_BASE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the checksum of `size` bytes at `data`. */
uint64_t fmc_checksum64(const void *data, size_t size);

/* Incremental form, for data that is not in one buffer (e.g. the WEIGHTS
 * section while it is written). The total size must be known up front because
 * it seeds the hash; feeding a different number of bytes gives a different
 * result than fmc_checksum64 over the same bytes. */
typedef struct fmc_checksum64_state {
  uint64_t hash;
  uint64_t pending;       /* bytes of a partial word, little-endian */
  unsigned pending_bytes; /* 0..7 */
} fmc_checksum64_state_t;

void fmc_checksum64_init(fmc_checksum64_state_t *state, uint64_t total_size);
void fmc_checksum64_update(fmc_checksum64_state_t *state, const void *data,
                           size_t size);
uint64_t fmc_checksum64_final(fmc_checksum64_state_t *state);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FMC_RUNTIME_BASE_CHECKSUM_H */
