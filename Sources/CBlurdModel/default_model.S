/* Embeds default.blurdmodel in the binary, so blurd runs without a model file beside it.
 * The assembler finds the file through the -I path Package.swift adds for this directory.
 * After replacing the model file, touch this file: build systems do not see .incbin inputs. */
#if defined(__APPLE__)
#define SYMBOL(name) _##name
    .const_data
#else
#define SYMBOL(name) name
    .section .rodata
#endif

    .globl SYMBOL(blurd_default_model_start)
    .globl SYMBOL(blurd_default_model_end)
    .p2align 4
SYMBOL(blurd_default_model_start):
    .incbin "default.blurdmodel"
SYMBOL(blurd_default_model_end):

#if defined(__linux__) && defined(__ELF__)
    .section .note.GNU-stack, "", @progbits
#endif
