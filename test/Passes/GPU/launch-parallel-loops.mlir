// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-launch-parallel-loops{block-size=128}),cse)' --split-input-file --verify-diagnostics | FileCheck %s

// A 2-D parallel loop becomes one launch of ceil(4 * 100 / 128) = 4 blocks
// of 128 threads; each thread guards its linear index and splits it into
// (row, column), column fastest. The reduction loop stays inside.
// CHECK-LABEL: func.func @two_dims
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C128:.+]] = arith.constant 128 : index
// CHECK-DAG: %[[C400:.+]] = arith.constant 400 : index
// CHECK-DAG: %[[C100:.+]] = arith.constant 100 : index
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C4]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%[[BS:.+]] = %[[C128]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}})
// CHECK: %[[BASE:.+]] = arith.muli %[[BX]], %[[BS]]
// CHECK: %[[ID:.+]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[ID]], %[[C400]]
// CHECK: scf.if %[[IN]] {
// CHECK: %[[COL:.+]] = arith.remui %[[ID]], %[[C100]]
// CHECK: %[[ROW:.+]] = arith.divui %[[ID]], %[[C100]]
// CHECK: scf.for
// CHECK: memref.load %{{.+}}[%{{.+}}, %{{.+}}] : memref<4x100xf32>
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @two_dims(%in: memref<4x100xf32>, %out: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %v = memref.load %in[%i, %j] : memref<4x100xf32>
      %w = memref.load %out[%i, %j] : memref<4x100xf32>
      %s = arith.addf %v, %w : f32
      memref.store %s, %out[%i, %j] : memref<4x100xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A loop with 40 iterations gets one block of 64 threads (rounded up to
// whole warps), and its non-unit lower bound and step are applied.
// CHECK-LABEL: func.func @small
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK: gpu.launch blocks({{.*}}) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C64]],
// CHECK: %[[SCALED:.+]] = arith.muli %{{.+}}, %c2
// CHECK: arith.addi %c3, %[[SCALED]]
func.func @small(%out: memref<100xf32>) {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c83 = arith.constant 83 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c3) to (%c83) step (%c2) {
    memref.store %z, %out[%i] : memref<100xf32>
    scf.reduce
  }
  return
}

// -----

// Accesses outside any parallel loop (a full reduction) run in a launch of
// one thread; the constant global it reads is recreated in the kernel.
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
// CHECK-LABEL: func.func @serial
// CHECK: %[[C1:.+]] = arith.constant 1 : index
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C1]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]]) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %[[C1]],
// CHECK-NEXT: %[[G:.+]] = memref.get_global @table
// CHECK: scf.for
// CHECK: memref.load %[[G]]
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @serial(%out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %t = memref.get_global @table : memref<4xf32>
  scf.for %k = %c0 to %c4 step %c1 {
    %v = memref.load %t[%k] : memref<4xf32>
    %a = memref.load %out[] : memref<f32>
    %s = arith.addf %v, %a : f32
    memref.store %s, %out[] : memref<f32>
  }
  return
}

// -----

// A scalar read from device memory that a kernel uses (a Pad's value given
// as an input) goes through a one-element buffer: the one-thread launch
// stores it, the kernel loads it first; the buffer is freed after the
// last kernel that reads it.
// CHECK-LABEL: func.func @kernel_reads_device
// CHECK: %[[BUF:.+]] = memref.alloc() : memref<f32>
// CHECK: gpu.launch
// CHECK: %[[V:.+]] = memref.load %arg0[] : memref<f32>
// CHECK: %[[W:.+]] = arith.negf %[[V]]
// CHECK: memref.store %[[W]], %[[BUF]][] : memref<f32>
// CHECK: gpu.terminator
// CHECK: gpu.launch
// CHECK-NEXT: %[[LOADED:.+]] = memref.load %[[BUF]][] : memref<f32>
// CHECK: memref.store %[[LOADED]], %arg1
// CHECK: gpu.terminator
// CHECK: gpu.launch
// CHECK-NEXT: %[[AGAIN:.+]] = memref.load %[[BUF]][] : memref<f32>
// CHECK: arith.addf %{{.+}}, %[[AGAIN]]
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[BUF]] : memref<f32>
// CHECK-NEXT: return
func.func @kernel_reads_device(%in: memref<f32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %v = memref.load %in[] : memref<f32>
  %w = arith.negf %v : f32
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    memref.store %w, %out[%i] : memref<16xf32>
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %out[%i] : memref<16xf32>
    %y = arith.addf %x, %w : f32
    memref.store %y, %out[%i] : memref<16xf32>
  }
  return
}

// -----

// Host code that needs a value read from device memory cannot be placed.
func.func @host_reads_device(%in: memref<f32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %in[] : memref<f32>
  %n = arith.fptosi %v : f32 to i64
  // expected-error @+1 {{a value computed from device memory is used by host code}}
  %i = arith.index_cast %n : i64 to index
  %buf = memref.alloc(%i) : memref<?xf32>
  return
}
