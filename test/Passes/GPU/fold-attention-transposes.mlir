// RUN: fmc-opt %s --pass-pipeline='builtin.module(func.func(fmc-gpu-fold-attention-transposes))' --split-input-file --allow-unregistered-dialect | FileCheck %s

// GPT-2's attention: query, key and value are heads of one projection
// transposed [B, S, H, D] -> [B, H, S, D] into buffers of their own, and
// the output is transposed back before the output projection. The kernel
// reads the projection through transposed views and writes the final
// buffer (its allocation moved up) through the inverse view; the four
// transposes and their buffers go.
// CHECK-LABEL: func.func @gpt2
// CHECK-SAME: (%[[P:.+]]: memref<1x16x4x16xf16>, %[[P2:.+]]: memref<1x16x4x16xf16>)
// CHECK-NOT: linalg.transpose
// CHECK-DAG: %[[Q:.+]] = memref.transpose %[[P]] (d0, d1, d2, d3) -> (d0, d2, d1, d3) : memref<1x16x4x16xf16> to memref<1x4x16x16xf16, strided<[1024, 16, 64, 1]>>
// CHECK-DAG: %[[K:.+]] = memref.transpose %[[P2]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK-DAG: %[[Y:.+]] = memref.alloc() : memref<1x16x4x16xf16>
// CHECK: %[[O:.+]] = memref.transpose %[[Y]] (d0, d1, d2, d3) -> (d0, d2, d1, d3) : memref<1x16x4x16xf16> to memref<1x4x16x16xf16, strided<[1024, 16, 64, 1]>>
// CHECK: fmc.attention_kernel %[[Q]], %[[K]], %[[K]] into %[[O]]
// CHECK-NOT: linalg.transpose
// CHECK: "test.use"(%[[Y]])
func.func @gpt2(%p: memref<1x16x4x16xf16>, %p2: memref<1x16x4x16xf16>) {
  %q = memref.alloc() : memref<1x4x16x16xf16>
  linalg.transpose ins(%p : memref<1x16x4x16xf16>) outs(%q : memref<1x4x16x16xf16>) permutation = [0, 2, 1, 3]
  %k = memref.alloc() : memref<1x4x16x16xf16>
  linalg.transpose ins(%p2 : memref<1x16x4x16xf16>) outs(%k : memref<1x4x16x16xf16>) permutation = [0, 2, 1, 3]
  %o = memref.alloc() : memref<1x4x16x16xf16>
  fmc.attention_kernel %q, %k, %k into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf16>, memref<1x4x16x16xf16>, memref<1x4x16x16xf16>, memref<1x4x16x16xf16>) -> ()
  %y = memref.alloc() : memref<1x16x4x16xf16>
  linalg.transpose ins(%o : memref<1x4x16x16xf16>) outs(%y : memref<1x16x4x16xf16>) permutation = [0, 2, 1, 3]
  "test.use"(%y) : (memref<1x16x4x16xf16>) -> ()
  return
}

// -----

// Kept: a projection written between its transpose and the kernel (the
// copy holds the old values), a buffer the kernel reads that something
// else reads too, a transpose that moves the last dim, and an output
// whose destination the kernel reads (here as its mask).
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-4: linalg.transpose
// CHECK-NOT: memref.transpose
func.func @kept(%p: memref<1x4x4x4xf32>, %p2: memref<1x4x4x4xf32>, %m: memref<1x4x4x4xf32>, %x: f32) {
  %q = memref.alloc() : memref<1x4x4x4xf32>
  linalg.transpose ins(%p : memref<1x4x4x4xf32>) outs(%q : memref<1x4x4x4xf32>) permutation = [0, 2, 1, 3]
  linalg.fill ins(%x : f32) outs(%p : memref<1x4x4x4xf32>)
  %k = memref.alloc() : memref<1x4x4x4xf32>
  linalg.transpose ins(%p : memref<1x4x4x4xf32>) outs(%k : memref<1x4x4x4xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%k) : (memref<1x4x4x4xf32>) -> ()
  %v = memref.alloc() : memref<1x4x4x4xf32>
  linalg.transpose ins(%p2 : memref<1x4x4x4xf32>) outs(%v : memref<1x4x4x4xf32>) permutation = [0, 1, 3, 2]
  %o = memref.alloc() : memref<1x4x4x4xf32>
  fmc.attention_kernel %q, %k, %v mask %m into %o {causal = false, scale = 2.500000e-01 : f64} : (memref<1x4x4x4xf32>, memref<1x4x4x4xf32>, memref<1x4x4x4xf32>, memref<1x4x4x4xf32>, memref<1x4x4x4xf32>) -> ()
  linalg.transpose ins(%o : memref<1x4x4x4xf32>) outs(%m : memref<1x4x4x4xf32>) permutation = [0, 2, 1, 3]
  return
}

// -----

// A decode step's query buffer, shared by two layers (bufferization gives
// every layer's transposed query the same allocation): each kernel reads
// the projection that the transpose just before it read; both transposes
// and the buffer go.
// CHECK-LABEL: func.func @shared_query
// CHECK-SAME: (%[[P:.+]]: memref<1x1x4x16xf32>, %[[P2:.+]]: memref<1x1x4x16xf32>, %[[K:.+]]: memref<1x4x9x16xf32>
// CHECK-NOT: linalg.transpose
// CHECK-NOT: memref.alloc() : memref<1x4x1x16xf32>
// CHECK: %[[Q1:.+]] = memref.transpose %[[P]]
// CHECK: fmc.attention_kernel %[[Q1]], %[[K]], %[[K]]
// CHECK: %[[Q2:.+]] = memref.transpose %[[P2]]
// CHECK: fmc.attention_kernel %[[Q2]], %[[K]], %[[K]]
// CHECK-NOT: linalg.transpose
func.func @shared_query(%p: memref<1x1x4x16xf32>, %p2: memref<1x1x4x16xf32>, %k: memref<1x4x9x16xf32>, %o: memref<1x4x1x16xf32>, %o2: memref<1x4x1x16xf32>) {
  %q = memref.alloc() : memref<1x4x1x16xf32>
  linalg.transpose ins(%p : memref<1x1x4x16xf32>) outs(%q : memref<1x4x1x16xf32>) permutation = [0, 2, 1, 3]
  fmc.attention_kernel %q, %k, %k into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x1x16xf32>, memref<1x4x9x16xf32>, memref<1x4x9x16xf32>, memref<1x4x1x16xf32>) -> ()
  linalg.transpose ins(%p2 : memref<1x1x4x16xf32>) outs(%q : memref<1x4x1x16xf32>) permutation = [0, 2, 1, 3]
  fmc.attention_kernel %q, %k, %k into %o2 {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x1x16xf32>, memref<1x4x9x16xf32>, memref<1x4x9x16xf32>, memref<1x4x1x16xf32>) -> ()
  return
}

// -----

// Kept: the first kernel's query value is read again by a second kernel
// after it (folding the first would leave the second reading a buffer no
// one writes).
// CHECK-LABEL: func.func @query_read_twice
// CHECK: linalg.transpose
// CHECK-NOT: memref.transpose
func.func @query_read_twice(%p: memref<1x1x4x16xf32>, %k: memref<1x4x9x16xf32>, %o: memref<1x4x1x16xf32>, %o2: memref<1x4x1x16xf32>) {
  %q = memref.alloc() : memref<1x4x1x16xf32>
  linalg.transpose ins(%p : memref<1x1x4x16xf32>) outs(%q : memref<1x4x1x16xf32>) permutation = [0, 2, 1, 3]
  fmc.attention_kernel %q, %k, %k into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x1x16xf32>, memref<1x4x9x16xf32>, memref<1x4x9x16xf32>, memref<1x4x1x16xf32>) -> ()
  fmc.attention_kernel %q, %k, %k into %o2 {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x1x16xf32>, memref<1x4x9x16xf32>, memref<1x4x9x16xf32>, memref<1x4x1x16xf32>) -> ()
  return
}

// -----

// fp32 GPT-2 of two layers: bufferization gives both layers' outputs one
// buffer, and both transposes back one destination (read by each layer's
// output projection in between). Each kernel writes the destination
// through the inverse view, right where its transpose was: both transposes
// and the shared buffer go.
// CHECK-LABEL: func.func @shared_output
// CHECK-SAME: (%[[Q:[^:]+]]: memref<1x4x16x16xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[Y:.+]] = memref.alloc() : memref<1x16x4x16xf32>
// CHECK: %[[O1:.+]] = memref.transpose %[[Y]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: fmc.attention_kernel %[[Q]], %[[Q]], %[[Q]] into %[[O1]]
// CHECK: "test.use"(%[[Y]])
// CHECK: %[[O2:.+]] = memref.transpose %[[Y]] (d0, d1, d2, d3) -> (d0, d2, d1, d3)
// CHECK: fmc.attention_kernel %[[Q]], %[[Q]], %[[Q]] into %[[O2]]
// CHECK: "test.use"(%[[Y]])
// CHECK-NOT: linalg.transpose
// CHECK-NOT: memref.alloc() : memref<1x4x16x16xf32>
func.func @shared_output(%q: memref<1x4x16x16xf32>) {
  %o = memref.alloc() : memref<1x4x16x16xf32>
  fmc.attention_kernel %q, %q, %q into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  %y = memref.alloc() : memref<1x16x4x16xf32>
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%y) : (memref<1x16x4x16xf32>) -> ()
  fmc.attention_kernel %q, %q, %q into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%y) : (memref<1x16x4x16xf32>) -> ()
  return
}

// -----

// Kept: the first kernel's output is read twice (by its transpose and by a
// second transpose after it), so it must stay in its buffer.
// CHECK-LABEL: func.func @output_read_twice
// CHECK: fmc.attention_kernel {{.*}} into %{{.+}} :
// CHECK-COUNT-2: linalg.transpose
// CHECK-NOT: memref.transpose
func.func @output_read_twice(%q: memref<1x4x16x16xf32>, %y2: memref<1x16x4x16xf32>) {
  %o = memref.alloc() : memref<1x4x16x16xf32>
  fmc.attention_kernel %q, %q, %q into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  %y = memref.alloc() : memref<1x16x4x16xf32>
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y2 : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%y) : (memref<1x16x4x16xf32>) -> ()
  return
}

// -----

// fp32 LLaMA: bufferization gives the attention's output the buffer that
// held the transposed query before it (read by the rotary embedding, here
// "test.rope"). Uses before the kernel do not matter: the output
// transpose folds, and the buffer stays for the query.
// CHECK-LABEL: func.func @output_buffer_reused
// CHECK: %[[Q:.+]] = memref.alloc() : memref<1x4x16x16xf32>
// CHECK: linalg.transpose ins(%{{.+}} : memref<1x16x4x16xf32>) outs(%[[Q]] : memref<1x4x16x16xf32>)
// CHECK: "test.rope"(%[[Q]]
// CHECK: %[[O:.+]] = memref.transpose %arg1
// CHECK: fmc.attention_kernel %{{.+}}, %{{.+}}, %{{.+}} into %[[O]]
// CHECK-NOT: linalg.transpose
func.func @output_buffer_reused(%p: memref<1x16x4x16xf32>, %y: memref<1x16x4x16xf32>, %r: memref<1x4x16x16xf32>) {
  %q = memref.alloc() : memref<1x4x16x16xf32>
  linalg.transpose ins(%p : memref<1x16x4x16xf32>) outs(%q : memref<1x4x16x16xf32>) permutation = [0, 2, 1, 3]
  "test.rope"(%q, %r) : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  fmc.attention_kernel %r, %r, %r into %q {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  linalg.transpose ins(%q : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  return
}

// -----

// Kept: a view of the output buffer (whose reads could come after the
// transpose), and an output read after its transpose by something else.
// CHECK-LABEL: func.func @output_viewed
// CHECK: linalg.transpose
// CHECK-NOT: memref.transpose
// CHECK-LABEL: func.func @output_read_after
// CHECK: linalg.transpose
// CHECK-NOT: memref.transpose
func.func @output_viewed(%r: memref<1x4x16x16xf32>, %y: memref<1x16x4x16xf32>) {
  %o = memref.alloc() : memref<1x4x16x16xf32>
  %v = memref.collapse_shape %o [[0, 1], [2], [3]] : memref<1x4x16x16xf32> into memref<4x16x16xf32>
  fmc.attention_kernel %r, %r, %r into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%v) : (memref<4x16x16xf32>) -> ()
  return
}
func.func @output_read_after(%r: memref<1x4x16x16xf32>, %y: memref<1x16x4x16xf32>) {
  %o = memref.alloc() : memref<1x4x16x16xf32>
  fmc.attention_kernel %r, %r, %r into %o {causal = true, scale = 2.500000e-01 : f64} : (memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) -> ()
  linalg.transpose ins(%o : memref<1x4x16x16xf32>) outs(%y : memref<1x16x4x16xf32>) permutation = [0, 2, 1, 3]
  "test.use"(%o) : (memref<1x4x16x16xf32>) -> ()
  return
}
