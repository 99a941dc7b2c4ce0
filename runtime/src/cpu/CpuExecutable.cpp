//===- CpuExecutable.cpp - Loading and calling CPU code -------------------===//

#include "runtime/src/cpu/CpuExecutable.h"

#include "runtime/src/base/Status.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace fmc::cpu {

namespace {

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
constexpr const char *kHostName = "x86_64";
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
constexpr const char *kHostName = "aarch64";
#else
#error "fmc's CPU runtime supports x86_64 and aarch64 hosts"
#endif

const char *machineName(uint16_t machine) {
  switch (machine) {
  case EM_X86_64:
    return "x86_64";
  case EM_AARCH64:
    return "aarch64";
  case EM_RISCV:
    return "riscv";
  default:
    return "another architecture";
  }
}

/// Checks that the code is a 64-bit little-endian shared object for this
/// host, so that a cross-compiled artifact gets a clear error rather than
/// dlopen's.
fmc_status_t *checkElfHeader(const uint8_t *code, uint64_t size) {
  Elf64_Ehdr header;
  if (size < sizeof(header) || std::memcmp(code, ELFMAG, SELFMAG) != 0)
    return makeStatus(FMC_STATUS_INVALID_ARTIFACT,
                      "the CODE section is not an ELF file");
  std::memcpy(&header, code, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return makeStatus(FMC_STATUS_UNSUPPORTED,
                      "the CODE section is not a 64-bit little-endian ELF "
                      "object");
  if (header.e_machine != kHostMachine)
    return makeStatus(FMC_STATUS_UNSUPPORTED,
                      std::string("the code was compiled for ") +
                          machineName(header.e_machine) + " (ELF machine " +
                          std::to_string(header.e_machine) +
                          "), but this host is " + kHostName);
  if (header.e_type != ET_DYN)
    return makeStatus(FMC_STATUS_INVALID_ARTIFACT,
                      "the CODE section is not an ELF shared object");
  // dlopen maps segments without checking them against the file size; a
  // segment past the end would fault when touched, so reject it here.
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phoff > size ||
      (size - header.e_phoff) / sizeof(Elf64_Phdr) < header.e_phnum)
    return makeStatus(FMC_STATUS_INVALID_ARTIFACT,
                      "the CODE section's ELF program headers are truncated");
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, code + header.e_phoff + i * sizeof(segment),
                sizeof(segment));
    if (segment.p_type == PT_LOAD &&
        (segment.p_offset > size || size - segment.p_offset < segment.p_filesz))
      return makeStatus(
          FMC_STATUS_INVALID_ARTIFACT,
          "the CODE section is truncated: ELF segment " + std::to_string(i) +
              " ends at byte " +
              std::to_string(segment.p_offset + segment.p_filesz) + " of " +
              std::to_string(size));
  }
  return nullptr;
}

fmc_status_t *writeAll(int fd, const uint8_t *data, uint64_t size) {
  while (size != 0) {
    ssize_t n = ::write(fd, data, size < (1u << 30) ? size : (1u << 30));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return makeStatus(FMC_STATUS_IO_ERROR,
                        std::string("cannot write the code to memory: ") +
                            std::strerror(errno));
    }
    data += n;
    size -= uint64_t(n);
  }
  return nullptr;
}

std::string fdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

} // namespace

fmc_status_t *CpuExecutable::load(const uint8_t *code, uint64_t size,
                                  const std::string &entrySymbol,
                                  std::unique_ptr<CpuExecutable> &out) {
  FMC_RETURN_IF_ERROR(checkElfHeader(code, size));
  std::unique_ptr<CpuExecutable> result(new CpuExecutable());
  result->fd = ::memfd_create("fmc-code", MFD_CLOEXEC);
  if (result->fd < 0)
    return makeStatus(FMC_STATUS_IO_ERROR,
                      std::string("memfd_create failed: ") +
                          std::strerror(errno));
  FMC_RETURN_IF_ERROR(writeAll(result->fd, code, size));

  // dlopen matches already loaded objects by path before it opens anything,
  // so a path that names an object still loaded (one linked with -z nodelete
  // stays loaded after dlclose) would give us that object instead of this
  // code. Move the descriptor up until its path names nothing loaded.
  constexpr int kMaxPathAttempts = 4096;
  for (int attempt = 0;; ++attempt) {
    void *stale = ::dlopen(fdPath(result->fd).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!stale)
      break;
    ::dlclose(stale);
    int other = attempt < kMaxPathAttempts
                    ? ::fcntl(result->fd, F_DUPFD_CLOEXEC, result->fd + 1)
                    : -1;
    if (other < 0)
      return makeStatus(FMC_STATUS_INTERNAL,
                        "cannot find a descriptor path for the code that no "
                        "loaded object already uses");
    ::close(result->fd);
    result->fd = other;
  }

  ::dlerror(); // Clear any earlier error.
  result->handle = ::dlopen(fdPath(result->fd).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!result->handle) {
    const char *reason = ::dlerror();
    return makeStatus(FMC_STATUS_INVALID_ARTIFACT,
                      std::string("cannot load the CODE section: ") +
                          (reason ? reason : "unknown dlopen error"));
  }
  void *symbol = ::dlsym(result->handle, entrySymbol.c_str());
  if (!symbol)
    return makeStatus(FMC_STATUS_INVALID_ARTIFACT,
                      "the CODE section does not export the entry symbol '" +
                          entrySymbol + "'");
  result->entry = reinterpret_cast<EntryFunction>(symbol);
  // Parallel loops call through this pointer; code without any has none.
  if (void *hook = ::dlsym(result->handle, "fmc_parallel_for"))
    *static_cast<ParallelForHook *>(hook) = &parallelFor;
  out = std::move(result);
  return nullptr;
}

CpuExecutable::~CpuExecutable() {
  if (handle)
    ::dlclose(handle);
  if (fd >= 0)
    ::close(fd);
}

} // namespace fmc::cpu
