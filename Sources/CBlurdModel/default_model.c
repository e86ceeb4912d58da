#include "blurd_model.h"

/* Bounds of the embedded file, defined in default_model.S. */
extern const uint8_t blurd_default_model_start[];
extern const uint8_t blurd_default_model_end[];

const uint8_t *blurd_default_model_data(void) { return blurd_default_model_start; }

size_t blurd_default_model_size(void) { return (size_t)(blurd_default_model_end - blurd_default_model_start); }
