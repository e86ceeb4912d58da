// swift-tools-version:6.1
// The layout follows the dataflow: media input → pipeline (ring buffer, workers, ordered
// writer) → analysis (analyzers over the segmenter, the CNN engine) → outputs; training and the
// service sit beside it. Each module imports only the stages before it.
import PackageDescription

let package = Package(
    name: "blurd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "blurd", targets: ["blurd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // blurd serve: config, HTTP monitoring, Prometheus metrics, signal-driven lifecycle.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // blurd triage's report.html: the page is a Mustache template, its values escaped by the library.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev", "libavdevice-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Eclipse Mosquitto's MQTT client library, for `blurd serve`'s MQTT output.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // SIMD kernels (int8 GEMM, hot image loops); everything else is Swift.
        .target(name: "CBlurdKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // What every stage shares: plain images, the error protocol, the seeded generator.
        .target(name: "BlurdCore"),
        // FFmpeg: demux/decode/scale, encode/mux, image files; FFmpeg's log into swift-log.
        .target(name: "BlurdMedia", dependencies: ["CFFmpeg", "BlurdCore", .product(name: "Logging", package: "swift-log")]),
        // The CNN engine: layers, model file, tiling, int8.
        // The default model file, embedded with .incbin (the -I "." lets the assembler find it).
        .target(name: "CBlurdModel", cSettings: [.headerSearchPath(".")]),
        .target(name: "BlurdSegmenter", dependencies: ["COpenBLAS", "CBlurdKernels", "CBlurdModel", "BlurdCore"]),
        // One frame's judgement: the analyzers (CNN, classic), the texture gate, the score.
        .target(name: "BlurdAnalysis", dependencies: ["BlurdSegmenter", "BlurdCore"]),
        // The recipe of a run, the ring buffer, Dispatch workers, the ordered writer.
        .target(name: "BlurdPipeline", dependencies: ["BlurdMedia", "BlurdAnalysis", "BlurdSegmenter", "BlurdCore"]),
        // JSON Lines, masks, annotated video, reports.
        .target(name: "BlurdOutput", dependencies: ["BlurdPipeline", "BlurdAnalysis", "BlurdMedia", "BlurdCore"]),
        // Self-supervised synthesis, training, export, evaluation.
        .target(name: "BlurdTraining", dependencies: ["BlurdSegmenter", "BlurdAnalysis", "BlurdMedia", "BlurdCore"]),
        // The long-running daemon: supervised streams, systemd notify, metrics, focus events.
        .target(name: "BlurdService", dependencies: [
            "BlurdPipeline", "BlurdAnalysis", "BlurdOutput", "BlurdMedia", "BlurdSegmenter", "CMosquitto",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `blurd triage`: a footage library in one batch: discovery, concurrent clips, resume, summaries.
        .target(name: "BlurdTriage", dependencies: [
            "BlurdPipeline", "BlurdOutput", "BlurdMedia", "BlurdAnalysis", "BlurdSegmenter", "BlurdCore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .executableTarget(name: "blurd", dependencies: [
            "BlurdMedia", "BlurdPipeline", "BlurdAnalysis", "BlurdOutput", "BlurdSegmenter", "BlurdTraining", "BlurdService",
            "BlurdTriage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Helpers shared by the test targets: scratch directories, synthetic frames, blurs, clip
        // encoding, ffprobe references, loopback sockets, the built binary, captured logs.
        .target(name: "BlurdTestSupport", dependencies: ["BlurdMedia", "BlurdCore", .product(name: "Logging", package: "swift-log")],
                path: "Tests/BlurdTestSupport"),
        .testTarget(name: "BlurdMediaTests", dependencies: ["BlurdMedia", "BlurdCore", "BlurdTestSupport",
                                                           .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "BlurdSegmenterTests", dependencies: ["BlurdSegmenter", "BlurdCore", "BlurdTestSupport"]),
        .testTarget(name: "BlurdTrainingTests", dependencies: ["BlurdTraining", "BlurdSegmenter", "BlurdAnalysis", "BlurdMedia", "BlurdCore", "BlurdTestSupport"]),
        .testTarget(name: "BlurdAnalysisTests", dependencies: ["BlurdAnalysis", "BlurdSegmenter", "BlurdMedia", "BlurdCore", "BlurdTestSupport"]),
        .testTarget(name: "BlurdPipelineTests",
                    dependencies: ["BlurdPipeline", "BlurdAnalysis", "BlurdMedia", "BlurdCore", "BlurdSegmenter", "BlurdTestSupport"]),
        .testTarget(name: "BlurdOutputTests", dependencies: ["BlurdOutput", "BlurdPipeline", "BlurdAnalysis", "BlurdMedia", "BlurdCore", "BlurdTestSupport"]),
        .testTarget(name: "BlurdServiceTests", dependencies: ["BlurdService", "BlurdPipeline", "BlurdAnalysis", "BlurdOutput", "BlurdMedia", "BlurdCore", "BlurdTestSupport",
                                                     "BlurdSegmenter", "BlurdTraining",
                                                     .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "BlurdTriageTests", dependencies: ["BlurdTriage", "BlurdPipeline", "BlurdOutput", "BlurdMedia", "BlurdCore",
                                                    "BlurdTestSupport"]),
        // The fuzz targets (model file, serve config, report log, command line) replaying their
        // seed corpora (Tests/Fuzz); scripts/fuzz.sh builds the same bundle as a libFuzzer driver.
        .testTarget(name: "BlurdFuzzTests", dependencies: ["blurd", "BlurdSegmenter", "BlurdService", "BlurdOutput", "BlurdPipeline",
                                                  "BlurdCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Runs the built `blurd` binary end to end.
        .testTarget(name: "BlurdCLITests", dependencies: ["BlurdMedia", "BlurdCore", "BlurdTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
