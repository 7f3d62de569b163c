#include "LibFuzzerEntry.h"

// Declared by compiler-rt's libFuzzer (FuzzerInterface.h), which ships no header with the Swift toolchain.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));

int telegate_fuzz_main(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
}
