/* Embeds default.blurdmodel in the binary, so blurd runs without a model file beside it.
 * The assembler finds the file through the -I path Package.swift adds for this directory.
 * Build systems do not see .incbin inputs, so this file names the model's CRC-32: replacing the
 * model means updating the line below, which rebuilds the embedding (DefaultModelTests checks it).
 * default.blurdmodel CRC-32: 0x2144df1c */
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
