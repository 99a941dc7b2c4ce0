/*===- sub_kernel.c - A CODE section that stays loaded after dlclose ------===*\
|*                                                                            *|
|* Like add_kernel.c but computes y = x - w, and is linked with -z nodelete   *|
|* so that dlclose leaves it loaded under its /proc/self/fd path: the test    *|
|* checks that a later model is not given this object instead of its own.    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

__attribute__((visibility("default"))) void fmc_entry(void **buffers) {
  const float *x = (const float *)buffers[0];
  const float *w = (const float *)buffers[1];
  float *y = (float *)buffers[2];
  for (int i = 0; i < 2 * 3; ++i)
    y[i] = x[i] - w[i];
}
