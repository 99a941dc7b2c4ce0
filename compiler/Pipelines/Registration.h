//===- Registration.h - every dialect and pass fmc uses ---------*- C++ -*-===//

#ifndef FMC_COMPILER_PIPELINES_REGISTRATION_H
#define FMC_COMPILER_PIPELINES_REGISTRATION_H

namespace mlir {
class DialectRegistry;
namespace fmc {

/// fmc's dialects plus the upstream dialects and interface implementations
/// the pipelines use.
void registerAllDialects(DialectRegistry &registry);

/// fmc's passes and pipelines plus the upstream passes (for fmc-opt and the
/// textual pipelines). Idempotent.
void registerAllPasses();

} // namespace fmc
} // namespace mlir

#endif // FMC_COMPILER_PIPELINES_REGISTRATION_H
