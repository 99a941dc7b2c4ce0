/*===- add_kernel.c - A hand-written CODE section for the runtime tests ---===*\
|*                                                                            *|
|* Follows the entry ABI of docs/ARTIFACT.md for a model with one input x,    *|
|* one weight w and one output y, all float32 [2x3]: y = x + w.               *|
|* buffers = {x, w, y} (inputs, then weights, then outputs).                  *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

__attribute__((visibility("default"))) void fmc_entry(void **buffers) {
  const float *x = (const float *)buffers[0];
  const float *w = (const float *)buffers[1];
  float *y = (float *)buffers[2];
  for (int i = 0; i < 2 * 3; ++i)
    y[i] = x[i] + w[i];
}
