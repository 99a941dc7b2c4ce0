// RUN: fmc-opt %s --fmc-convert-graph-to-linalg --split-input-file | FileCheck %s

// Unsigned tensors become signless; the function keeps the ABI element type
// in fmc.element_type, and the ops are the unsigned variants.
// CHECK-LABEL: func.func @div_max
// CHECK-SAME: (%{{.*}}: tensor<4xi8> {fmc.element_type = ui8}, %{{.*}}: tensor<4xi8> {fmc.element_type = ui8}) -> (tensor<4xi8> {fmc.element_type = ui8})
// CHECK: arith.divui
// CHECK: arith.maxui
// CHECK: arith.cmpi ult
func.func @div_max(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = fmc.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = fmc.max %0, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = fmc.less %1, %a : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %3 = fmc.where %2, %1, %a : (tensor<4xi1>, tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %3 : tensor<4xui8>
}

// -----

// Casts from unsigned zero-extend; float to unsigned uses fptoui.
// CHECK-LABEL: func.func @casts
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.fptoui %{{.*}} : f32 to i16
func.func @casts(%a: tensor<4xui8>, %f: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xui16>) {
  %0 = fmc.cast %a : tensor<4xui8> to tensor<4xi32>
  %1 = fmc.cast %f : tensor<4xf32> to tensor<4xui16>
  return %0, %1 : tensor<4xi32>, tensor<4xui16>
}

// -----

// Unsigned reductions start from the unsigned extreme.
// CHECK-LABEL: func.func @reduce_min
// CHECK: arith.constant -1 : i32
// CHECK: arith.minui
func.func @reduce_min(%a: tensor<4xui32>) -> tensor<ui32> {
  %0 = fmc.reduce_min %a {axes = array<i64: 0>, keepdims = false} : (tensor<4xui32>) -> tensor<ui32>
  return %0 : tensor<ui32>
}
