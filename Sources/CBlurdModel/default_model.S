/* Embeds default.blurdmodel in the binary, so blurd runs without a model file beside it.
 * The assembler finds the file through the -I path Package.swift adds for this directory.
 * Build systems do not see .incbin inputs, so this file names the model's stored CRC-32 (its last
 * four bytes; the whole-file CRC is the same for every model): replacing the
 * model means updating the line below, which rebuilds the embedding (DefaultModelTests checks it).
 * default.blurdmodel CRC-32: 0x6ec579bb */
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
