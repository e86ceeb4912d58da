#ifndef BLURD_CMOSQUITTO_SHIM_H
#define BLURD_CMOSQUITTO_SHIM_H
/* Eclipse Mosquitto's client library (Debian's libmosquitto-dev); Swift imports it directly,
 * its callbacks taking the context pointer given to mosquitto_new. */
#include <mosquitto.h>
#endif
