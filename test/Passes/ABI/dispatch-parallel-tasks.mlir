// RUN: fmc-opt %s --split-input-file --verify-diagnostics --fmc-dispatch-parallel-tasks | FileCheck %s

// A call to a parallel task goes through the exported pointer, which starts
// at the serial implementation; the trampoline unpacks the captures.

// CHECK-LABEL: llvm.func @body(
// CHECK-NOT: fmc.parallel_task
llvm.func @body(%begin: i64, %end: i64, %p: !llvm.ptr, %x: f32) attributes {fmc.parallel_task} {
  llvm.return
}

// CHECK-LABEL: llvm.func @main(
// CHECK-SAME: %[[P:.+]]: !llvm.ptr)
// CHECK: %[[CTX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, f32)>
// CHECK: %[[C0:.+]] = llvm.mlir.constant(0 : i64)
// CHECK: %[[C8:.+]] = llvm.mlir.constant(8 : i64)
// CHECK: %[[X:.+]] = llvm.mlir.constant(1.5
// CHECK: %[[S0:.+]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK: llvm.store %[[P]], %[[S0]]
// CHECK: %[[S1:.+]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: llvm.store %[[X]], %[[S1]]
// CHECK: %[[HOOK:.+]] = llvm.mlir.addressof @fmc_parallel_for
// CHECK: %[[FN:.+]] = llvm.load %[[HOOK]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[TASK:.+]] = llvm.mlir.addressof @body.task
// CHECK: llvm.call %[[FN]](%[[TASK]], %[[CTX]], %[[C0]], %[[C8]])
// CHECK-NOT: llvm.call @body
llvm.func @main(%p: !llvm.ptr) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c8 = llvm.mlir.constant(8 : i64) : i64
  %x = llvm.mlir.constant(1.5 : f32) : f32
  llvm.call @body(%c0, %c8, %p, %x) : (i64, i64, !llvm.ptr, f32) -> ()
  llvm.return
}

// CHECK-LABEL: llvm.func internal @fmc_serial_for(
// CHECK-SAME: %[[T:.+]]: !llvm.ptr, %[[C:.+]]: !llvm.ptr, %[[B:.+]]: i64, %[[E:.+]]: i64)
// CHECK: llvm.call %[[T]](%[[C]], %[[B]], %[[E]])
// CHECK: llvm.mlir.global external @fmc_parallel_for()
// CHECK: llvm.mlir.addressof @fmc_serial_for
// CHECK-LABEL: llvm.func internal @body.task(
// CHECK-SAME: %[[CTX:.+]]: !llvm.ptr, %[[B:.+]]: i64, %[[E:.+]]: i64)
// CHECK: %[[S0:.+]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK: %[[V0:.+]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S1:.+]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: %[[V1:.+]] = llvm.load %[[S1]] : !llvm.ptr -> f32
// CHECK: llvm.call @body(%[[B]], %[[E]], %[[V0]], %[[V1]])

// -----

// expected-error @+1 {{a parallel task must take (i64 begin, i64 end, ...) and return nothing}}
llvm.func @bad(%begin: i32, %end: i64) attributes {fmc.parallel_task} {
  llvm.return
}
