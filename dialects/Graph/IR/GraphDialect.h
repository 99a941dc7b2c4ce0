//===- GraphDialect.h - fmc graph dialect -----------------------*- C++ -*-===//

#ifndef FMC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H
#define FMC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "dialects/Graph/IR/GraphDialect.h.inc"

#endif // FMC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H
