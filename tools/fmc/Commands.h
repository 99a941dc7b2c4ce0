//===- Commands.h - The subcommands of the fmc tool -------------*- C++ -*-===//
//
// Each subcommand lives in its own <Name>Command.cpp, which defines its
// llvm::cl::SubCommand, its options (static cl::opts registered with
// cl::sub(get<Name>SubCommand())) and its run<Name>Command(). The driver in
// fmc.cpp parses the command line and calls the run function of the
// subcommand that was selected; each returns the process exit code.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_TOOLS_FMC_COMMANDS_H
#define FMC_TOOLS_FMC_COMMANDS_H

#include "llvm/Support/CommandLine.h"

namespace fmc::tool {

/// fmc compile: an ONNX model to an artifact (CompileCommand.cpp).
llvm::cl::SubCommand &getCompileSubCommand();
int runCompileCommand();

/// fmc run: runs an artifact once or a few times and prints its outputs
/// (RunCommand.cpp).
llvm::cl::SubCommand &getRunSubCommand();
int runRunCommand();

/// fmc inspect: prints what an artifact holds, without loading its code
/// (InspectCommand.cpp).
llvm::cl::SubCommand &getInspectSubCommand();
int runInspectCommand();

/// fmc bench: measures the latency and peak memory of an artifact
/// (BenchCommand.cpp).
llvm::cl::SubCommand &getBenchSubCommand();
int runBenchCommand();

} // namespace fmc::tool

#endif // FMC_TOOLS_FMC_COMMANDS_H
