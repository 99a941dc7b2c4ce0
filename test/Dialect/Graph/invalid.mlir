// RUN: fmc-opt %s -split-input-file -verify-diagnostics

// Elementwise binary ops.

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes [2x3] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{'fmc.add' op failed to infer returned types}}
  %0 = fmc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @add_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<3xi32>) {
  // expected-error @+1 {{'fmc.add' op operand element types differ: 'f32' vs 'i32'}}
  %0 = fmc.add %a, %b : (tensor<2x3xf32>, tensor<3xi32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @add_wrong_result_type(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'fmc.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf16>'}}
  // expected-error @+1 {{'fmc.add' op failed to infer returned types}}
  %0 = fmc.add %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf16>
  return
}

// -----

func.func @sub_wrong_result_shape(%a: tensor<2x1xi64>, %b: tensor<3xi64>) {
  // expected-error @+2 {{'fmc.sub' op inferred type(s) 'tensor<2x3xi64>' are incompatible with return type(s) of operation 'tensor<2x1xi64>'}}
  // expected-error @+1 {{'fmc.sub' op failed to infer returned types}}
  %0 = fmc.sub %a, %b : (tensor<2x1xi64>, tensor<3xi64>) -> tensor<2x1xi64>
  return
}

// -----

func.func @equal_result_not_i1(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'fmc.equal' op inferred type(s) 'tensor<2x3xi1>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'fmc.equal' op failed to infer returned types}}
  %0 = fmc.equal %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @and_not_i1(%a: tensor<3xi32>) {
  // expected-error @+1 {{'fmc.and' op expects i1 operands, got 'i32'}}
  %0 = fmc.and %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  return
}

// -----

func.func @or_not_i1(%a: tensor<3xi8>) {
  // expected-error @+1 {{'fmc.or' op expects i1 operands, got 'i8'}}
  %0 = fmc.or %a, %a : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi1>
  return
}

// -----

// Unary ops, cast, where.

func.func @sqrt_of_integers(%a: tensor<3xi32>) {
  // expected-error @+1 {{'fmc.sqrt' op operand #0 must be ranked tensor of floating-point values}}
  %0 = fmc.sqrt %a : tensor<3xi32>
  return
}

// -----

func.func @cast_changes_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.cast' op changes the shape from [2x3] to [3x2]}}
  %0 = fmc.cast %a : tensor<2x3xf32> to tensor<3x2xi32>
  return
}

// -----

func.func @cast_saturate_to_int(%a: tensor<2xf32>) {
  // expected-error @+1 {{'fmc.cast' op saturates only to float types, not 'i8'}}
  %0 = fmc.cast %a {saturate} : tensor<2xf32> to tensor<2xi8>
  return
}

// -----

func.func @where_value_types_differ(%c: tensor<3xi1>, %t: tensor<3xf32>, %f: tensor<3xf16>) {
  // expected-error @+1 {{'fmc.where' op value operands have different element types}}
  %0 = fmc.where %c, %t, %f : (tensor<3xi1>, tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return
}

// -----

func.func @where_not_broadcastable(%c: tensor<2xi1>, %t: tensor<3xf32>, %f: tensor<3xf32>) {
  // expected-error @+2 {{operand shapes [2], [3] and [3] are not broadcast-compatible}}
  // expected-error @+1 {{'fmc.where' op failed to infer returned types}}
  %0 = fmc.where %c, %t, %f : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// MatMul.

func.func @matmul_contraction_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{contraction dims differ: lhs [2x3], rhs [4x5]}}
  // expected-error @+1 {{'fmc.matmul' op failed to infer returned types}}
  %0 = fmc.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x5xf32>) {
  // expected-error @+2 {{batch dims of [2x4x8] and [3x8x5] are not broadcast-compatible}}
  // expected-error @+1 {{'fmc.matmul' op failed to infer returned types}}
  %0 = fmc.matmul %a, %b : (tensor<2x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x4x5xf32>
  return
}

// -----

func.func @matmul_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<3x5xf16>) {
  // expected-error @+1 {{'fmc.matmul' op operand element types differ}}
  %0 = fmc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf16>) -> tensor<2x5xf32>
  return
}

// -----

// Normalization.

func.func @softmax_axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.softmax' op axis 2 is outside [0, 2)}}
  %0 = fmc.softmax %a {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @softmax_negative_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.softmax' op axis -1 is outside [0, 2)}}
  %0 = fmc.softmax %a {axis = -1 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_bad_scale(%a: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'fmc.layer_norm' op scale/bias of type 'tensor<2xf32>' does not broadcast to the normalized dims [3]}}
  %0 = fmc.layer_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The scale must broadcast to the normalized dims, not widen them.
func.func @layer_norm_scale_too_large(%a: tensor<2x3xf32>, %s: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.layer_norm' op scale/bias of type 'tensor<2x3xf32>' does not broadcast to the normalized dims [3]}}
  %0 = fmc.layer_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_bad_bias(%a: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf16>) {
  // expected-error @+1 {{'fmc.layer_norm' op scale/bias of type 'tensor<3xf16>' does not broadcast to the normalized dims [3]}}
  %0 = fmc.layer_norm %a, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf16>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_axis_out_of_range(%a: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'fmc.layer_norm' op axis 2 is outside [0, 2)}}
  %0 = fmc.layer_norm %a, %s {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Reductions.

func.func @reduce_axes_unsorted(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.reduce_sum' op axes must be sorted and unique}}
  %0 = fmc.reduce_sum %a {axes = array<i64: 1, 0>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return
}

// -----

func.func @reduce_axes_repeated(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.reduce_max' op axes must be sorted and unique}}
  %0 = fmc.reduce_max %a {axes = array<i64: 1, 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @reduce_axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.reduce_mean' op axis 2 is outside [0, 2)}}
  %0 = fmc.reduce_mean %a {axes = array<i64: 2>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_wrong_result_type(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'fmc.reduce_min' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{'fmc.reduce_min' op failed to infer returned types}}
  %0 = fmc.reduce_min %a {axes = array<i64: 1>, keepdims = true} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

// Shape manipulation.

func.func @shape_wrong_result(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.shape' op result must be tensor<2xi64>}}
  %0 = fmc.shape %a : tensor<2x3xf32> -> tensor<3xi64>
  return
}

// -----

func.func @reshape_element_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.reshape' op cannot reshape [2x3] (6 elements) to [5] (5 elements)}}
  %0 = fmc.reshape %a : tensor<2x3xf32> -> tensor<5xf32>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.reshape' op changes the element type}}
  %0 = fmc.reshape %a : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

func.func @transpose_not_permutation(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.transpose' op perm is not a permutation}}
  %0 = fmc.transpose %a {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_perm_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{perm entry 2 is out of range}}
  // expected-error @+1 {{'fmc.transpose' op failed to infer returned types}}
  %0 = fmc.transpose %a {perm = array<i64: 2, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_perm_wrong_size(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{perm has 3 entries for a rank-2 tensor}}
  // expected-error @+1 {{'fmc.transpose' op failed to infer returned types}}
  %0 = fmc.transpose %a {perm = array<i64: 1, 0, 2>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.slice' op dim 0 reads elements 1..2 outside [0, 2)}}
  %0 = fmc.slice %a {offsets = array<i64: 1, 1>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_negative_step_out_of_bounds(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.slice' op dim 1 reads elements 1..-1 outside [0, 3)}}
  %0 = fmc.slice %a {offsets = array<i64: 0, 1>, steps = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_zero_step(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.slice' op step of dim 1 is zero}}
  %0 = fmc.slice %a {offsets = array<i64: 0, 1>, steps = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_rank_mismatch(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.slice' op offsets, steps and result must have the input's rank}}
  %0 = fmc.slice %a {offsets = array<i64: 0>, steps = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_shape_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{input shapes [2x3] and [2x4] differ outside the concat axis}}
  // expected-error @+1 {{'fmc.concat' op failed to infer returned types}}
  %0 = fmc.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) {
  // expected-error @+2 {{inputs differ in rank or element type}}
  // expected-error @+1 {{'fmc.concat' op failed to infer returned types}}
  %0 = fmc.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is outside [0, 2)}}
  // expected-error @+1 {{'fmc.concat' op failed to infer returned types}}
  %0 = fmc.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @gather_axis_out_of_range(%a: tensor<2x3xf32>, %i: tensor<4xi64>) {
  // expected-error @+2 {{axis 2 is outside [0, 2)}}
  // expected-error @+1 {{'fmc.gather' op failed to infer returned types}}
  %0 = fmc.gather %a, %i {axis = 2 : i64} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gather_float_indices(%a: tensor<2x3xf32>, %i: tensor<4xf32>) {
  // expected-error @+1 {{'fmc.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = fmc.gather %a, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @broadcast_impossible(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.broadcast' op cannot broadcast 'tensor<2x3xf32>' to 'tensor<2x4xf32>'}}
  %0 = fmc.broadcast %a : tensor<2x3xf32> -> tensor<2x4xf32>
  return
}

// -----

// Broadcasting never shrinks a dim.
func.func @broadcast_to_smaller(%a: tensor<3xf32>) {
  // expected-error @+1 {{'fmc.broadcast' op cannot broadcast 'tensor<3xf32>' to 'tensor<1xf32>'}}
  %0 = fmc.broadcast %a : tensor<3xf32> -> tensor<1xf32>
  return
}

// -----

func.func @bitwise_of_floats(%a: tensor<4xf32>) {
  // expected-error @+1 {{'fmc.bitwise_and' op expects integer operands, got 'f32'}}
  %0 = fmc.bitwise_and %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @bitcast_width(%a: tensor<4xf32>) {
  // expected-error @+1 {{'fmc.bitcast' op needs element types of one width (not i1), got 'f32' and 'i16'}}
  %0 = fmc.bitcast %a : tensor<4xf32> to tensor<4xi16>
  return
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'fmc.scatter_nd' op updates have shape [2x4], expected [2x3]}}
  %0 = fmc.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @arg_max_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.arg_max' op axis 2 is out of [0, 2)}}
  %0 = fmc.arg_max %a {axis = 2 : i64, keepdims = true, select_last_index = false} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return
}

// -----

func.func @einsum_implicit(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'fmc.einsum' op equation must be explicit}}
  %0 = fmc.einsum %a, %b {equation = "ij,jk"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @einsum_sizes(%a: tensor<2x3xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'fmc.einsum' op subscript 'j' has sizes 3 and 5}}
  %0 = fmc.einsum %a, %b {equation = "ij,jk->ik"} : (tensor<2x3xf32>, tensor<5x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @pad_negative(%a: tensor<4xf32>, %v: tensor<f32>) {
  // expected-error @+1 {{'fmc.pad' op pads must be non-negative}}
  %0 = fmc.pad %a, %v {low = array<i64: -1>, high = array<i64: 0>} : (tensor<4xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

func.func @pad_shape(%a: tensor<4xf32>, %v: tensor<f32>) {
  // expected-error @+1 {{'fmc.pad' op result shape [5] does not match the pads}}
  %0 = fmc.pad %a, %v {low = array<i64: 1>, high = array<i64: 1>} : (tensor<4xf32>, tensor<f32>) -> tensor<5xf32>
  return
}

// -----

func.func @gather_elements_rank(%a: tensor<4x2xf32>, %i: tensor<3xi64>) {
  // expected-error @+2 {{data and indices ranks differ}}
  // expected-error @+1 {{'fmc.gather_elements' op failed to infer returned types}}
  %0 = fmc.gather_elements %a, %i {axis = 0 : i64} : (tensor<4x2xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @conv_output_size(%x: tensor<1x4x5x6xf32>, %w: tensor<4x2x3x2xf32>) {
  // expected-error @+1 {{'fmc.conv' op spatial dim 0 of the result must be 3, got 4}}
  %0 = fmc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_low = array<i64: 0, 0>, pad_high = array<i64: 0, 0>, groups = 2 : i64} : (tensor<1x4x5x6xf32>, tensor<4x2x3x2xf32>) -> tensor<1x4x4x5xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x4x5x6xf32>, %w: tensor<4x3x3x2xf32>) {
  // expected-error @+1 {{'fmc.conv' op channels: input 4, filter 3 per group, 2 groups, 4 outputs do not agree}}
  %0 = fmc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pad_low = array<i64: 0, 0>, pad_high = array<i64: 0, 0>, groups = 2 : i64} : (tensor<1x4x5x6xf32>, tensor<4x3x3x2xf32>) -> tensor<1x4x3x5xf32>
  return
}

// -----

func.func @pool_kind(%x: tensor<1x2x5xf32>) {
  // expected-error @+1 {{'fmc.pool' op kind must be 'max' or 'sum'}}
  %0 = fmc.pool %x {kind = "min", kernel = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>, pad_low = array<i64: 0>, pad_high = array<i64: 0>} : (tensor<1x2x5xf32>) -> tensor<1x2x4xf32>
  return
}

// -----

func.func @attention_heads(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op key/value heads (2, 2) must be equal and divide the 3 query heads}}
  %0 = fmc.attention %q, %k, %v {causal = false, scale = 1.0 : f64} : (tensor<1x3x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x3x4x8xf32>
  return
}

// -----

func.func @attention_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>, %m: tensor<4x5xf32>) {
  // expected-error @+1 {{'fmc.attention' op mask 'tensor<4x5xf32>' does not broadcast to [1x2x4x6]}}
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 1.0 : f64} : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<4x5xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_causal(%q: tensor<1x2x6x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op causal attention needs at least as many keys as queries}}
  %0 = fmc.attention %q, %k, %v {causal = true, scale = 1.0 : f64} : (tensor<1x2x6x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x6x8xf32>
  return
}

// -----

func.func @rms_norm_bad_scale(%a: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'fmc.rms_norm' op scale/bias of type 'tensor<2xf32>' does not broadcast to the normalized dims [3]}}
  %0 = fmc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @rms_norm_axis_out_of_range(%a: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'fmc.rms_norm' op axis -1 is outside [0, 2)}}
  %0 = fmc.rms_norm %a, %s {axis = -1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @skip_norm_skip_widens(%a: tensor<1x3xf32>, %k: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'fmc.skip_norm' op skip of type 'tensor<2x3xf32>' does not broadcast to the input type 'tensor<1x3xf32>'}}
  %0:2 = fmc.skip_norm %a, %k, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>)
  return
}

// -----

func.func @skip_norm_bad_bias(%a: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'fmc.skip_norm' op scale/bias of type 'tensor<4xf32>' does not broadcast to the normalized dims [3]}}
  %0:2 = fmc.skip_norm %a, %a, %s, %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = true} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @gelu_bad_approximation(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'fmc.gelu' op approximate must be "none" or "tanh", got "sigmoid"}}
  %0 = fmc.gelu %a {approximate = "sigmoid"} : tensor<2x3xf32>
  return
}

// -----

func.func @silu_integer(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{'fmc.silu' op operand #0 must be}}
  %0 = fmc.silu %a : tensor<2x3xi32>
  return
}

// -----

func.func @rotary_odd_width(%x: tensor<1x2x4x8xf32>, %c: tensor<4x3xf32>) {
  // expected-error @+1 {{'fmc.rotary' op rotary width 3 must be even, positive and at most the row size 8}}
  %0 = fmc.rotary %x, %c, %c {interleaved = false} : (tensor<1x2x4x8xf32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @rotary_too_wide(%x: tensor<1x2x4x8xf32>, %c: tensor<4x10xf32>) {
  // expected-error @+1 {{'fmc.rotary' op rotary width 10 must be even, positive and at most the row size 8}}
  %0 = fmc.rotary %x, %c, %c {interleaved = false} : (tensor<1x2x4x8xf32>, tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @rotary_positions_mismatch(%x: tensor<1x2x4x8xf32>, %c: tensor<5x8xf32>) {
  // expected-error @+1 {{'fmc.rotary' op cos/sin of type 'tensor<5x8xf32>' do not broadcast to [1x2x4x8]}}
  %0 = fmc.rotary %x, %c, %c {interleaved = false} : (tensor<1x2x4x8xf32>, tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @rotary_cos_sin_differ(%x: tensor<1x2x4x8xf32>, %c: tensor<4x8xf32>, %s: tensor<1x4x8xf32>) {
  // expected-error @+1 {{'fmc.rotary' op cos and sin types differ}}
  %0 = fmc.rotary %x, %c, %s {interleaved = false} : (tensor<1x2x4x8xf32>, tensor<4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_integer_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>, %m: tensor<4x6xi32>) {
  // expected-error @+1 {{'fmc.attention' op mask must be a tensor of rank <= 4 of the query's element type (additive) or i1}}
  %0 = fmc.attention %q, %k, %v mask %m {causal = false, scale = 1.0 : f64} : (tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>, tensor<4x6xi32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_past_without_presents(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>, %pk: tensor<1x2x3x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op with a cache, needs the present_key and present_value results}}
  %0 = fmc.attention %q, %k, %k past %pk, %pk {causal = true, scale = 1.0 : f64} : (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x1x8xf32>
  return
}

// -----

func.func @attention_present_too_short(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>, %pk: tensor<1x2x3x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op present 'tensor<1x2x3x8xf32>' must be 'tensor<1x2x4x8xf32>'}}
  %0:3 = fmc.attention %q, %k, %k past %pk, %pk {causal = true, scale = 1.0 : f64} : (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>)
  return
}

// -----

func.func @attention_past_heads_differ(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>, %pk: tensor<1x1x3x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op past_key 'tensor<1x1x3x8xf32>' must be [1x2x3x8] with any cache length}}
  %0:3 = fmc.attention %q, %k, %k past %pk, %pk {causal = true, scale = 1.0 : f64} : (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x1x3x8xf32>, tensor<1x1x3x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>)
  return
}

// -----

func.func @attention_presents_without_past(%q: tensor<1x2x1x8xf32>, %k: tensor<1x2x1x8xf32>) {
  // expected-error @+1 {{'fmc.attention' op has present results but no cache}}
  %0:2 = fmc.attention %q, %k, %k {causal = false, scale = 1.0 : f64} : (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x1x8xf32>)
  return
}

// -----

func.func @attention_kernel_mixed(%q: tensor<1x2x4x8xf32>, %o: memref<1x2x4x8xf32>) {
  // expected-error @+1 {{'fmc.attention_kernel' op operands must be all tensors or all buffers}}
  fmc.attention_kernel %q, %q, %q into %o {causal = false, scale = 1.0 : f64} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, memref<1x2x4x8xf32>) -> ()
  return
}

// -----

func.func @attention_kernel_buffer_result(%q: memref<1x2x4x8xf32>) {
  // expected-error @+1 {{'fmc.attention_kernel' op returns its init's type on tensors, nothing on buffers}}
  %0 = fmc.attention_kernel %q, %q, %q into %q {causal = false, scale = 1.0 : f64} : (memref<1x2x4x8xf32>, memref<1x2x4x8xf32>, memref<1x2x4x8xf32>, memref<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_kernel_heads(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'fmc.attention_kernel' op operand shapes do not match fmc.attention's}}
  %0 = fmc.attention_kernel %q, %k, %k into %q {causal = false, scale = 1.0 : f64} : (tensor<1x3x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x3x4x8xf32>) -> tensor<1x3x4x8xf32>
  return
}
