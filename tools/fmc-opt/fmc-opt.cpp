//===- fmc-opt.cpp - fmc's mlir-opt: every fmc dialect and pass -----------===//

#include "compiler/Pipelines/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::fmc::registerAllDialects(registry);
  mlir::fmc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "fmc optimizer driver\n", registry));
}
