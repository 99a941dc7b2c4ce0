// RUN: fmc-opt %s --split-input-file --verify-diagnostics

// What fmc_nv's verifiers reject.

!acc4 = !llvm.struct<(f32, f32, f32, f32)>
func.func @accumulators_do_not_match_n(%acc: !acc4, %a: vector<8xf16>, %desc: i64) -> !acc4 {
  // expected-error @+1 {{accumulators must be a struct of n / 2 = 8 f32}}
  %0 = fmc_nv.wgmma_register_a %acc, %a, %desc {n = 16 : i64, accumulate = true, bKMajor = false} : !acc4, vector<8xf16>
  return %0 : !acc4
}

// -----

!acc4 = !llvm.struct<(f32, f32, f32, f32)>
func.func @n_not_a_multiple_of_8(%acc: !acc4, %a: vector<8xf16>, %desc: i64) -> !acc4 {
  // expected-error @+1 {{n must be a multiple of 8, got 12}}
  %0 = fmc_nv.wgmma_register_a %acc, %a, %desc {n = 12 : i64, accumulate = true, bKMajor = false} : !acc4, vector<8xf16>
  return %0 : !acc4
}

// -----

!acc4 = !llvm.struct<(f32, f32, f32, f32)>
func.func @a_not_16_bit(%acc: !acc4, %a: vector<8xf32>, %desc: i64) -> !acc4 {
  // expected-error @+1 {{operand #1 must be vector of 16-bit float or bfloat16 type values of length 8}}
  %0 = fmc_nv.wgmma_register_a %acc, %a, %desc {n = 8 : i64, accumulate = true, bKMajor = false} : !acc4, vector<8xf32>
  return %0 : !acc4
}

// -----

!acc4 = !llvm.struct<(f32, f32, f32, f32)>
func.func @pending_out_of_range(%acc: !acc4) -> !acc4 {
  // expected-error @+1 {{attribute 'pending' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 0 whose maximum value is 7}}
  %0 = fmc_nv.wgmma_wait %acc {pending = 8 : i64} : !acc4
  return %0 : !acc4
}

// -----

func.func @wait_not_f32(%acc: !llvm.struct<(i32, i32)>) -> !llvm.struct<(i32, i32)> {
  // expected-error @+1 {{accumulators must be a struct of f32, got '!llvm.struct<(i32, i32)>'}}
  %0 = fmc_nv.wgmma_wait %acc {pending = 0 : i64} : !llvm.struct<(i32, i32)>
  return %0 : !llvm.struct<(i32, i32)>
}
