import CFFmpeg
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read end of a pipe as a custom AVIOContext that a stop request or the read deadline can
/// end: a `pipe:N` input (standard input for `pipe:` and `pipe:0`, as FFmpeg reads it), or a
/// path that names a FIFO (`mkfifo`, or `/dev/stdin` when standard input is a pipe).
///
/// FFmpeg's pipe and file protocols block in read(2) (and a FIFO already in open(2), until a
/// writer comes): the interrupt callback is consulted only between reads, and blurd ignores
/// SIGINT/SIGTERM while it runs (`StopSignals`), so no signal ends the read with EINTR either:
/// a pipe that stays open and silent hung the process. Here each read first waits with poll(2)
/// in short slices and checks `InputInterrupt` between them. A `pipe:N` descriptor is left as
/// it is (blocking, open): it belongs to whoever passed it. A FIFO path is opened here without
/// blocking (no writer needed yet) and closed with the reader.
final class PipeInput {
    private(set) var context: UnsafeMutablePointer<AVIOContext>?
    private let descriptor: Int32
    /// Whether `descriptor` was opened here (a FIFO path) and is closed with the reader.
    private let ownsDescriptor: Bool
    private let interrupt: InputInterrupt

    /// How long one poll(2) waits before the interrupt is checked again: the worst-case delay of
    /// a stop, at ten idle wake-ups a second.
    private static let pollSliceMilliseconds: Int32 = 100
    /// FFmpeg's own I/O buffer size.
    private static let bufferSize = 32768

    /// The descriptor of a `pipe:` URL, parsed as FFmpeg does (leading digits; none = 0), or nil
    /// when `url` is not one.
    static func descriptor(of url: String) -> Int32? {
        guard url.hasPrefix("pipe:") else { return nil }
        let digits = url.dropFirst("pipe:".count).prefix { $0.isASCII && $0.isNumber }
        return digits.isEmpty ? 0 : Int32(digits)
    }

    /// Whether `url` is a path to a FIFO (following symbolic links, so `/dev/stdin` on a pipe is one).
    static func isFIFOPath(_ url: String) -> Bool {
        guard !url.contains("://") else { return false }
        var status = stat()
        return stat(url, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
    }

    /// A reader for `url` when it is a pipe (`pipe:N` or a FIFO path), else nil.
    /// `logLabel` labels the reader's log messages (`FFmpegLogLabels`).
    static func reader(for url: String, interrupt: InputInterrupt, logLabel: String?) throws -> PipeInput? {
        if let descriptor = descriptor(of: url) {
            return try PipeInput(descriptor: descriptor, owned: false, interrupt: interrupt, logLabel: logLabel)
        }
        guard isFIFOPath(url) else { return nil }
        // O_NONBLOCK: open(2) of a FIFO would otherwise wait for a writer, beyond any stop request.
        let descriptor = open(url, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw MediaError.openFailed(url: url, reason: String(cString: strerror(errno)))
        }
        return try PipeInput(descriptor: descriptor, owned: true, interrupt: interrupt, logLabel: logLabel)
    }

    private init(descriptor: Int32, owned: Bool, interrupt: InputInterrupt, logLabel: String?) throws {
        self.descriptor = descriptor
        self.ownsDescriptor = owned
        self.interrupt = interrupt
        // Every stored property is set from here on, so a throw below runs deinit, which closes an
        // owned descriptor.
        guard let buffer = av_malloc(Self.bufferSize) else {
            throw MediaError.ioError("out of memory allocating a pipe buffer")
        }
        // `self` is passed unretained: the context never outlives this object (deinit frees it).
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        guard let context = avio_alloc_context(buffer.assumingMemoryBound(to: UInt8.self), Int32(Self.bufferSize),
                                               0, opaque, pipeInputRead, nil, nil) else {
            av_free(buffer)
            throw MediaError.ioError("out of memory allocating a pipe reader")
        }
        self.context = context
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(context), label: logLabel)
    }

    deinit {
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(context))
        // The context may have swapped in a buffer of its own, so its current one is freed.
        if let context { av_freep(&context.pointee.buffer) }
        avio_context_free(&context)
        if ownsDescriptor { close(descriptor) }
    }

    /// One read for the AVIOContext: bytes read, AVERROR_EOF when the writer closed the pipe,
    /// AVERROR_EXIT on a stop request or a passed deadline, or the read's error.
    fileprivate func fill(_ buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int32 {
        var waiter = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if interrupt.shouldStop { return blurd_averror_exit() }
            let ready = poll(&waiter, 1, Self.pollSliceMilliseconds)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            if ready < 0 { return blurd_averror(errno) }
            // Readable, hung up or in error: read(2) tells which without blocking. (A FIFO
            // reports no hang-up before its first writer, so an early reader waits for one.)
            let count = read(descriptor, buffer, capacity)
            if count > 0 { return Int32(count) }
            if count == 0 { return blurd_averror_eof() }
            if errno == EINTR || errno == EAGAIN { continue }
            return blurd_averror(errno)
        }
    }
}

/// The AVIOContext's read_packet: forwards to the `PipeInput` passed as its opaque pointer.
private func pipeInputRead(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?,
                           _ size: Int32) -> Int32 {
    guard let opaque, let buffer, size > 0 else { return blurd_averror(EINVAL) }
    return Unmanaged<PipeInput>.fromOpaque(opaque).takeUnretainedValue().fill(buffer, capacity: Int(size))
}
