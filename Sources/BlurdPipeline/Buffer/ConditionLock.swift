#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with two condition variables, the minimum a bounded producer/consumer queue needs.
///
/// Written on pthreads directly: the mutex and conditions live in heap memory that never moves,
/// which Swift requires for pthread objects.
// Unchecked: the pointers never change after init, and the memory behind them is only touched
// by the pthread functions, which are made to be called from any thread.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let conditions = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 2)

    /// Index of a condition: `notEmpty` wakes consumers, `notFull` wakes the producer.
    enum Condition: Int { case notEmpty = 0, notFull = 1 }

    init() {
        let mutexStatus = pthread_mutex_init(mutex, nil)
        precondition(mutexStatus == 0, "pthread_mutex_init failed: \(mutexStatus)")
        for index in 0..<2 {
            let condStatus = pthread_cond_init(conditions + index, nil)
            precondition(condStatus == 0, "pthread_cond_init failed: \(condStatus)")
        }
    }

    deinit {
        for index in 0..<2 { pthread_cond_destroy(conditions + index) }
        pthread_mutex_destroy(mutex)
        conditions.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits on `condition`; the caller must hold the lock (it is held again on return).
    func wait(_ condition: Condition) { pthread_cond_wait(conditions + condition.rawValue, mutex) }
    func signal(_ condition: Condition) { pthread_cond_signal(conditions + condition.rawValue) }
    func broadcast(_ condition: Condition) { pthread_cond_broadcast(conditions + condition.rawValue) }

    @inline(__always) func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
