import Hummingbird
import Logging
import Prometheus

/// The monitoring HTTP endpoint: `GET /metrics` (Prometheus text format), `GET /healthz`
/// (200 or 503 with a JSON body of the shard's stream states) and `GET /livez` (200 or 503: the
/// process itself, `Liveness`).
enum MonitoringServer {
    static func application(fleet: StreamFleet, shard: StreamShard, liveness: Liveness,
                            registry: PrometheusCollectorRegistry, listen: ListenAddress, logger: Logger,
                            onRunning: @escaping @Sendable () async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("healthz") { _, _ -> Response in
            let health = FleetHealth.evaluate(fleet.statuses, shard: shard)
            return Response(status: health.healthy ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: health.json + "\n")))
        }
        router.get("livez") { _, _ -> Response in
            let live = liveness.evaluate()
            return Response(status: live.alive ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: live.json + "\n")))
        }
        return Application(router: router,
                           configuration: .init(address: .hostname(listen.host, port: listen.port),
                                                serverName: "blurd"),
                           onServerRunning: { _ in await onRunning() },
                           logger: logger)
    }
}
