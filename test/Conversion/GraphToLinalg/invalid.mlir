// RUN: fmc-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(fmc-convert-graph-to-linalg))'

func.func @dynamic_shape(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{dynamic shape 'tensor<?x4xf32>' is not supported by this lowering yet; pin symbolic input dims with --input-shape}}
  %0 = fmc.add %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// The diagnostic is at the op that has the dynamic shape, not the first op.
func.func @dynamic_result(%a: tensor<2x3xf32>) -> tensor<?xf32> {
  %0 = fmc.exp %a : tensor<2x3xf32>
  // expected-error @+1 {{dynamic shape 'tensor<?xf32>' is not supported by this lowering yet}}
  %1 = fmc.reshape %0 : tensor<2x3xf32> -> tensor<?xf32>
  return %1 : tensor<?xf32>
}

// -----


func.func @shape_of_dynamic(%a: tensor<?x4xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{dynamic shape 'tensor<?x4xf32>' is not supported by this lowering yet}}
  %0 = fmc.shape %a : tensor<?x4xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
