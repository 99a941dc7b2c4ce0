// RUN: fmc-opt %s --fmc-outline-parallel-loops='min-work=4096' --split-input-file | FileCheck %s

// A 64 x 128 elementwise loop (8192 iterations) becomes a parallel task
// over its first dimension. The strided view and the output are passed as
// they are (static layouts cross as bare pointers); the constant is
// recreated; the call covers 0..64.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[IN:.+]]: memref<64x256xf32>, %[[OUT:.+]]: memref<64x128xf32>)
// CHECK: %[[VIEW:.+]] = memref.subview %[[IN]]
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK: call @main_loop0(%[[C0]], %[[C64]], %[[VIEW]], %[[OUT]]) : (index, index, memref<64x128xf32, strided<[256, 1], offset: 128>>, memref<64x128xf32>) -> ()
// CHECK-NOT: scf.parallel
// Two distinct buffers: both arguments are noalias.
// CHECK: func.func private @main_loop0(%[[B:.+]]: index, %[[E:.+]]: index, %[[P:.+]]: memref<64x128xf32, strided<[256, 1], offset: 128>> {llvm.noalias}, %[[Q:.+]]: memref<64x128xf32> {llvm.noalias}) attributes {fmc.parallel_task}
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%{{.+}}, %{{.+}}) to (%{{.+}}, %{{.+}})
// CHECK: memref.load %[[P]][%[[I]], %[[J]]]
// CHECK: arith.mulf
// CHECK: memref.store %{{.+}}, %[[Q]][%[[I]], %[[J]]]
func.func @main(%in: memref<64x256xf32>, %out: memref<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %two = arith.constant 2.0 : f32
  %view = memref.subview %in[0, 128] [64, 128] [1, 1] : memref<64x256xf32> to memref<64x128xf32, strided<[256, 1], offset: 128>>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c128) step (%c1, %c1) {
    %v = memref.load %view[%i, %j] : memref<64x128xf32, strided<[256, 1], offset: 128>>
    %d = arith.mulf %v, %two : f32
    memref.store %d, %out[%i, %j] : memref<64x128xf32>
    scf.reduce
  }
  return
}

// -----

// Too little work (2 x 16 with a 32-step reduction = 1024 < 4096), a single
// row, and a dynamic bound all stay serial.
// CHECK-LABEL: func.func @stay
// CHECK-NOT: call
// CHECK-COUNT-3: scf.parallel
// CHECK-NOT: func.func private
func.func @stay(%buf: memref<2x16xf32>, %row: memref<1x8192xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c8192 = arith.constant 8192 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c16) step (%c1, %c1) {
    scf.for %k = %c0 to %c32 step %c1 {
      memref.store %z, %buf[%i, %j] : memref<2x16xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1, %c8192) step (%c1, %c1) {
    memref.store %z, %row[%i, %j] : memref<1x8192xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %z, %row[%c0, %i] : memref<1x8192xf32>
    scf.reduce
  }
  return
}

// -----

// A reduction nested in the loop counts toward the work: 8 rows x 1024
// columns of reduction = 8192 iterations.
// CHECK-LABEL: func.func @rows
// CHECK: call @rows_loop0
func.func @rows(%in: memref<8x1024xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %k = %c0 to %c1024 step %c1 {
      %v = memref.load %in[%i, %k] : memref<8x1024xf32>
      %a = memref.load %out[%i] : memref<8xf32>
      %s = arith.addf %a, %v : f32
      memref.store %s, %out[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A (1, 12, 2) loop over linalg ops (FlashAttention's block forall before
// it becomes loops): the first dimension has one iteration, so the task
// splits the second; each op's iteration domain (here 16 x 64 = 1024)
// counts toward the work (24 x 1024 >= 4096).
// CHECK-LABEL: func.func @heads
// CHECK: call @heads_loop0(%{{.+}}, %c12{{[_0-9]*}}, %{{.+}}) : (index, index, memref<1x12x2x16x64xf32>) -> ()
// CHECK: func.func private @heads_loop0(%[[B:.+]]: index, %[[E:.+]]: index, %{{.+}}: memref<1x12x2x16x64xf32> {llvm.noalias})
// CHECK: %[[LB:.+]] = arith.addi %{{.+}}, %{{.+}}
// CHECK: %[[UB:.+]] = arith.addi %{{.+}}, %{{.+}}
// CHECK: scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) = (%{{.+}}, %[[LB]], %{{.+}}) to (%{{.+}}, %[[UB]], %{{.+}})
// CHECK: linalg.fill
func.func @heads(%out: memref<1x12x2x16x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c12 = arith.constant 12 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%b, %h, %q) = (%c0, %c0, %c0) to (%c1, %c12, %c2) step (%c1, %c1, %c1) {
    %s = memref.subview %out[%b, %h, %q, 0, 0] [1, 1, 1, 16, 64] [1, 1, 1, 1, 1] : memref<1x12x2x16x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    linalg.fill ins(%z : f32) outs(%s : memref<16x64xf32, strided<[64, 1], offset: ?>>)
    scf.reduce
  }
  return
}

// -----

// A captured view with a dynamic offset cannot cross a call as a bare
// pointer: the loop stays where it is.
// CHECK-LABEL: func.func @dynamic_view
// CHECK-NOT: call
// CHECK: scf.parallel
func.func @dynamic_view(%buf: memref<128x128xf32>, %row: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %z = arith.constant 0.0 : f32
  %v = memref.subview %buf[%row, 0] [64, 128] [1, 1] : memref<128x128xf32> to memref<64x128xf32, strided<[128, 1], offset: ?>>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c128) step (%c1, %c1) {
    memref.store %z, %v[%i, %j] : memref<64x128xf32, strided<[128, 1], offset: ?>>
    scf.reduce
  }
  return
}

// -----

// A stack buffer that only the loop uses (a row's scratch space, hoisted by
// fmc-hoist-loop-buffers) is allocated in the task, once per thread, not
// passed (the threads would share it). One the caller also uses is passed.
// CHECK-LABEL: func.func @scratch
// CHECK-SAME: (%[[IN:.+]]: memref<64x128xf32>, %[[OUT:.+]]: memref<64x128xf32>)
// CHECK: %[[SHARED:.+]] = memref.alloca() : memref<128xf32>
// CHECK-NOT: memref.alloca
// CHECK: call @scratch_loop0(%{{.+}}, %{{.+}}, %[[IN]], %[[SHARED]], %[[OUT]])
// CHECK: func.func private @scratch_loop0(%{{.+}}: index, %{{.+}}: index, %[[P:.+]]: memref<64x128xf32> {llvm.noalias}, %[[S:.+]]: memref<128xf32> {llvm.noalias}, %[[Q:.+]]: memref<64x128xf32> {llvm.noalias})
// CHECK: %[[ROW:.+]] = memref.alloca() {alignment = 64 : i64} : memref<128xf32>
// CHECK: scf.parallel
// CHECK: memref.store %{{.+}}, %[[ROW]]
// CHECK: memref.load %[[ROW]]
func.func @scratch(%in: memref<64x128xf32>, %out: memref<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %row = memref.alloca() {alignment = 64 : i64} : memref<128xf32>
  %shared = memref.alloca() : memref<128xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    scf.for %j = %c0 to %c128 step %c1 {
      %v = memref.load %in[%i, %j] : memref<64x128xf32>
      memref.store %v, %row[%j] : memref<128xf32>
    }
    scf.for %j = %c0 to %c128 step %c1 {
      %v = memref.load %row[%j] : memref<128xf32>
      %s = memref.load %shared[%j] : memref<128xf32>
      %d = arith.addf %v, %s : f32
      memref.store %d, %out[%i, %j] : memref<64x128xf32>
    }
    scf.reduce
  }
  %x = memref.load %shared[%c0] : memref<128xf32>
  memref.store %x, %out[%c0, %c0] : memref<64x128xf32>
  return
}

// -----

// Views of the arena at constant offsets: a [0, 16K) and b [16K, 32K) are
// apart, c [8K, 24K) overlaps both. a is noalias (apart from b, and only
// read, like c); b is written and shares bytes with c, so neither is.
// CHECK-LABEL: func.func private @arena_loop0
// CHECK-SAME: %{{[^:]+}}: memref<64x64xf32> {llvm.noalias}, %{{[^:]+}}: memref<64x64xf32>, %{{[^:]+}}: memref<64x64xf32>) attributes
func.func @arena(%arena: memref<65536xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c8192 = arith.constant 8192 : index
  %c16384 = arith.constant 16384 : index
  %a = memref.view %arena[%c0][] : memref<65536xi8> to memref<64x64xf32>
  %b = memref.view %arena[%c16384][] : memref<65536xi8> to memref<64x64xf32>
  %c = memref.view %arena[%c8192][] : memref<65536xi8> to memref<64x64xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<64x64xf32>
    %y = memref.load %c[%i, %j] : memref<64x64xf32>
    %s = arith.addf %x, %y : f32
    memref.store %s, %b[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  return
}
