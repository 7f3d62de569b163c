#ifndef TELEGATE_LIBFUZZER_ENTRY_H
#define TELEGATE_LIBFUZZER_ENTRY_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver (linked by `-sanitize=fuzzer`) with `argc`/`argv` as given to `main`, testing each input
/// with `test_one_input`. Returns the process's exit status.
int telegate_fuzz_main(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
