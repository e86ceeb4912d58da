#ifndef BLURD_MODEL_H
#define BLURD_MODEL_H
#include <stddef.h>
#include <stdint.h>

/* The default model file (Sources/CBlurdModel/default.blurdmodel), embedded by default_model.S. */
const uint8_t *blurd_default_model_data(void);
size_t blurd_default_model_size(void);

#endif
