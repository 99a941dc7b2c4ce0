//===- GraphBase.td - fmc graph dialect definition ---------*- tablegen -*-===//
//
// The graph dialect holds imported models at the tensor level: one op per
// framework-level operation, value semantics, static or dynamic shapes.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_GRAPH_BASE
#define FMC_GRAPH_BASE

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "fmc";
  let cppNamespace = "::mlir::fmc";
  let summary = "fmc's tensor-level graph dialect";
  let description = [{
    Ops of imported model graphs (ONNX today). Operands and results are ranked
    tensors; elementwise ops follow numpy broadcasting. Shapes are inferred
    when ops are built, and verified. One codegen op, `attention_kernel`
    (attention for a fused GPU kernel), also takes buffers.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

def Graph_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, AnyUnsignedInteger]>;
def Graph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Graph_IndexTensor : RankedTensorOf<[I32, I64]>;
def Graph_BoolTensor : RankedTensorOf<[I1]>;

#endif // FMC_GRAPH_BASE
