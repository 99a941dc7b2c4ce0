// The warpgroup kernel of fmc-gpu-tile-matmul, run on the host by
// fmc-gpu-launches-to-host-loops (its wgmma emulation reads the operands
// through the kernel's descriptors) and checked element by element against
// plain loops: rhs stored [n][k] (K-major B, layout col, f16) and [k][n]
// (N-major B, layout row, bf16), 200 x 296 x 160 (edges in m and n, three
// 64-deep slices: the pipelined loop runs once). The operands are small
// multiples of 1/4 and 1/8, so every product and sum is exact in f32 and
// the kernel must match the loops exactly. With 167936 bytes of shared
// memory, 128 x 128 tiles (one warpgroup, two m64 halves, each slice's
// products waited for); with sm_90's 232448, 128 x 256 tiles (two
// warpgroups of one m64n256 each, four buffers, one slice in flight).
// With tf32, the f32 product with rhs stored [n][k] takes the kernel too
// (m64nNk8 .tf32, 32-deep slices of core matrices of 8 x 4 f32): exact on
// the same values, and on rhs values with bit 12 set too (the highest bit
// tf32 drops: the emulation reads operands as the tensor cores do,
// truncated to tf32, so the sums are those of the unperturbed values).
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=167936 wgmma=true},fmc-gpu-lower-async-copies,fmc-gpu-launches-to-host-loops),lower-affine,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=232448 wgmma=true},fmc-gpu-lower-async-copies,fmc-gpu-launches-to-host-loops),lower-affine,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s
// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-tile-matmul{async-copies=true shared-bytes=232448 wgmma=true tf32=true},fmc-gpu-lower-async-copies,fmc-gpu-launches-to-host-loops),lower-affine,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so | FileCheck %s --check-prefixes=CHECK,TF32
// CHECK: K-major B, elements that differ: 0
// CHECK: N-major B, elements that differ: 0
// TF32: tf32, elements that differ: 0
// TF32: tf32 with dropped bits set, elements that differ: 0

#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs_nk = affine_map<(m, n, k) -> (n, k)>
#rhs_kn = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>

func.func @k_major(%a: memref<200x160xf16>, %w: memref<296x160xf16>, %c: memref<200x296xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<200x296xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs_nk, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf16>, memref<296x160xf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f16, %h: f16, %acc: f32):
    %xw = arith.extf %x : f16 to f32
    %hw = arith.extf %h : f16 to f32
    %p = arith.mulf %xw, %hw : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @n_major(%a: memref<200x160xbf16>, %w: memref<160x296xbf16>, %c: memref<200x296xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<200x296xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs_kn, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xbf16>, memref<160x296xbf16>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: bf16, %h: bf16, %acc: f32):
    %xw = arith.extf %x : bf16 to f32
    %hw = arith.extf %h : bf16 to f32
    %p = arith.mulf %xw, %hw : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

func.func @tf32(%a: memref<200x160xf32>, %w: memref<296x160xf32>, %c: memref<200x296xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<200x296xf32>)
  linalg.generic {indexing_maps = [#lhs, #rhs_nk, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : memref<200x160xf32>, memref<296x160xf32>) outs(%c : memref<200x296xf32>) {
  ^bb0(%x: f32, %h: f32, %acc: f32):
    %p = arith.mulf %x, %h : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// ((i * p + j * q) mod r - r / 2) / s: small values, exact in f16 and bf16.
func.func @value(%i: index, %j: index, %p: index, %q: index, %r: index, %s: f32) -> f32 {
  %ip = arith.muli %i, %p : index
  %jq = arith.muli %j, %q : index
  %sum = arith.addi %ip, %jq : index
  %mod = arith.remui %sum, %r : index
  %c2 = arith.constant 2 : index
  %half = arith.divui %r, %c2 : index
  %centered = arith.subi %mod, %half : index
  %int = arith.index_cast %centered : index to i32
  %f = arith.sitofp %int : i32 to f32
  %v = arith.divf %f, %s : f32
  return %v : f32
}

// Counts the elements of `got` that differ from sum_k a(m, k) b(k, n).
func.func @count(%a: memref<200x160xf32>, %b: memref<160x296xf32>, %got: memref<200x296xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cm = arith.constant 200 : index
  %cn = arith.constant 296 : index
  %ck = arith.constant 160 : index
  %zero = arith.constant 0.0 : f32
  %bad = scf.for %i = %c0 to %cm step %c1 iter_args(%b0 = %c0) -> index {
    %bi = scf.for %j = %c0 to %cn step %c1 iter_args(%b1 = %b0) -> index {
      %sum = scf.for %k = %c0 to %ck step %c1 iter_args(%acc = %zero) -> f32 {
        %x = memref.load %a[%i, %k] : memref<200x160xf32>
        %y = memref.load %b[%k, %j] : memref<160x296xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      %g = memref.load %got[%i, %j] : memref<200x296xf32>
      %same = arith.cmpf oeq, %g, %sum : f32
      %next = arith.addi %b1, %c1 : index
      %r = arith.select %same, %b1, %next : index
      scf.yield %r : index
    }
    scf.yield %bi : index
  }
  return %bad : index
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c11 = arith.constant 11 : index
  %c13 = arith.constant 13 : index
  %cm = arith.constant 200 : index
  %cn = arith.constant 296 : index
  %ck = arith.constant 160 : index
  %four = arith.constant 4.0 : f32
  %eight = arith.constant 8.0 : f32
  %a = memref.alloc() : memref<200x160xf32>
  %b = memref.alloc() : memref<160x296xf32>
  %a16 = memref.alloc() : memref<200x160xf16>
  %abf = memref.alloc() : memref<200x160xbf16>
  %bnk = memref.alloc() : memref<296x160xf16>
  %bkn = memref.alloc() : memref<160x296xbf16>
  %bf = memref.alloc() : memref<296x160xf32>
  %bset = memref.alloc() : memref<296x160xf32>
  %bit12 = arith.constant 4096 : i32
  %c = memref.alloc() : memref<200x296xf32>
  scf.for %i = %c0 to %cm step %c1 {
    scf.for %k = %c0 to %ck step %c1 {
      %v = func.call @value(%i, %k, %c7, %c3, %c11, %four) : (index, index, index, index, index, f32) -> f32
      memref.store %v, %a[%i, %k] : memref<200x160xf32>
      %h = arith.truncf %v : f32 to f16
      memref.store %h, %a16[%i, %k] : memref<200x160xf16>
      %bh = arith.truncf %v : f32 to bf16
      memref.store %bh, %abf[%i, %k] : memref<200x160xbf16>
    }
  }
  scf.for %k = %c0 to %ck step %c1 {
    scf.for %j = %c0 to %cn step %c1 {
      %v = func.call @value(%j, %k, %c5, %c2, %c13, %eight) : (index, index, index, index, index, f32) -> f32
      memref.store %v, %b[%k, %j] : memref<160x296xf32>
      %h = arith.truncf %v : f32 to f16
      memref.store %h, %bnk[%j, %k] : memref<296x160xf16>
      %bh = arith.truncf %v : f32 to bf16
      memref.store %bh, %bkn[%k, %j] : memref<160x296xbf16>
      memref.store %v, %bf[%j, %k] : memref<296x160xf32>
      %bits = arith.bitcast %v : f32 to i32
      %set = arith.ori %bits, %bit12 : i32
      %vset = arith.bitcast %set : i32 to f32
      memref.store %vset, %bset[%j, %k] : memref<296x160xf32>
    }
  }
  func.call @k_major(%a16, %bnk, %c) : (memref<200x160xf16>, memref<296x160xf16>, memref<200x296xf32>) -> ()
  %bad0 = func.call @count(%a, %b, %c) : (memref<200x160xf32>, memref<160x296xf32>, memref<200x296xf32>) -> index
  %n0 = arith.index_cast %bad0 : index to i64
  vector.print str "K-major B, elements that differ: "
  vector.print %n0 : i64
  func.call @n_major(%abf, %bkn, %c) : (memref<200x160xbf16>, memref<160x296xbf16>, memref<200x296xf32>) -> ()
  %bad1 = func.call @count(%a, %b, %c) : (memref<200x160xf32>, memref<160x296xf32>, memref<200x296xf32>) -> index
  %n1 = arith.index_cast %bad1 : index to i64
  vector.print str "N-major B, elements that differ: "
  vector.print %n1 : i64
  func.call @tf32(%a, %bf, %c) : (memref<200x160xf32>, memref<296x160xf32>, memref<200x296xf32>) -> ()
  %bad2 = func.call @count(%a, %b, %c) : (memref<200x160xf32>, memref<160x296xf32>, memref<200x296xf32>) -> index
  %n2 = arith.index_cast %bad2 : index to i64
  vector.print str "tf32, elements that differ: "
  vector.print %n2 : i64
  func.call @tf32(%a, %bset, %c) : (memref<200x160xf32>, memref<296x160xf32>, memref<200x296xf32>) -> ()
  %bad3 = func.call @count(%a, %b, %c) : (memref<200x160xf32>, memref<160x296xf32>, memref<200x296xf32>) -> index
  %n3 = arith.index_cast %bad3 : index to i64
  vector.print str "tf32 with dropped bits set, elements that differ: "
  vector.print %n3 : i64
  return
}
