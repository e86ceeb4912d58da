#ifndef BLURD_CFFMPEG_SHIM_H
#define BLURD_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/error.h>
#include <libavutil/log.h>

/* AVERROR() and friends are macros that Swift cannot import. */
static inline int blurd_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int blurd_averror_eof(void) { return AVERROR_EOF; }
static inline int blurd_averror(int e) { return AVERROR(e); }
#endif
