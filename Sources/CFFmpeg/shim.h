#ifndef BLURD_CFFMPEG_SHIM_H
#define BLURD_CFFMPEG_SHIM_H
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>

/* AVERROR() and friends are macros that Swift cannot import. */
static inline int blurd_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int blurd_averror_eof(void) { return AVERROR_EOF; }
static inline int blurd_averror(int e) { return AVERROR(e); }
static inline int blurd_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int blurd_averror_exit(void) { return AVERROR_EXIT; }
static inline int blurd_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int blurd_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int blurd_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int64_t blurd_nopts_value(void) { return AV_NOPTS_VALUE; }

/* Flags defined with shifts or casts, which Swift imports unreliably. */
static inline int blurd_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }
static inline int blurd_codec_flag_qscale(void) { return AV_CODEC_FLAG_QSCALE; }
static inline int blurd_frame_flag_corrupt(void) { return AV_FRAME_FLAG_CORRUPT; }
static inline int blurd_thread_frame_and_slice(void) { return FF_THREAD_FRAME | FF_THREAD_SLICE; }

/* Interrupt state for AVIOInterruptCB: a stop request (set from any thread, e.g. on SIGTERM)
 * and a deadline for the blocking call in progress. The callback runs on the reading thread
 * while interrupt requests come from others, hence the atomics. */
typedef struct BlurdInterrupt {
    int requested;
    int64_t deadline_us; /* av_gettime_relative() clock; 0 = no deadline */
} BlurdInterrupt;

static inline int blurd_interrupt_callback_fn(void *opaque) {
    BlurdInterrupt *state = (BlurdInterrupt *)opaque;
    if (__atomic_load_n(&state->requested, __ATOMIC_ACQUIRE)) return 1;
    int64_t deadline = __atomic_load_n(&state->deadline_us, __ATOMIC_ACQUIRE);
    return deadline > 0 && av_gettime_relative() > deadline;
}
static inline void blurd_interrupt_request(BlurdInterrupt *state) {
    __atomic_store_n(&state->requested, 1, __ATOMIC_RELEASE);
}
static inline int blurd_interrupt_was_requested(BlurdInterrupt *state) {
    return __atomic_load_n(&state->requested, __ATOMIC_ACQUIRE);
}
/* Starts a deadline timeout_us from now for the next blocking call; timeout_us <= 0 disarms. */
static inline void blurd_interrupt_arm(BlurdInterrupt *state, int64_t timeout_us) {
    int64_t deadline = timeout_us > 0 ? av_gettime_relative() + timeout_us : 0;
    __atomic_store_n(&state->deadline_us, deadline, __ATOMIC_RELEASE);
}
static inline int blurd_interrupt_deadline_passed(BlurdInterrupt *state) {
    int64_t deadline = __atomic_load_n(&state->deadline_us, __ATOMIC_ACQUIRE);
    return deadline > 0 && av_gettime_relative() > deadline;
}
static inline AVIOInterruptCB blurd_interrupt_callback(BlurdInterrupt *state) {
    AVIOInterruptCB cb = { blurd_interrupt_callback_fn, state };
    return cb;
}
#endif
