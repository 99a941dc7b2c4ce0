//===- fmc.cpp - the fmc command line tool --------------------------------===//
//
//   fmc compile model.onnx --target=host -o model.fmc
//   fmc run model.fmc [--input name=file.npy] [--output-dir DIR]
//   fmc inspect model.fmc
//   fmc bench model.fmc
//
//===----------------------------------------------------------------------===//

#include "tools/fmc/Commands.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace fmc::tool;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Make sure every subcommand (and its options) is registered.
  llvm::cl::SubCommand *subcommands[] = {
      &getCompileSubCommand(), &getRunSubCommand(), &getInspectSubCommand(),
      &getBenchSubCommand()};
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "fmc: a foundation-model compiler\n\n"
      "  fmc compile model.onnx --target=host -o model.fmc\n"
      "  fmc run model.fmc [--input name=file.npy ...] [--output-dir DIR]\n"
      "  fmc inspect model.fmc\n"
      "  fmc bench model.fmc\n");
  if (*subcommands[0])
    return runCompileCommand();
  if (*subcommands[1])
    return runRunCommand();
  if (*subcommands[2])
    return runInspectCommand();
  if (*subcommands[3])
    return runBenchCommand();
  llvm::errs() << "fmc: error: give a command: compile, run, inspect or bench "
                  "(see fmc --help)\n";
  return 1;
}
