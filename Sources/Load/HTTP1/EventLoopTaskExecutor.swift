import NIOCore

/// Runs the jobs of tasks that prefer it on one event loop: a load worker and the
/// connection it sends on then share a thread, as in wrk, and a request costs no
/// wake-up of another thread to write it nor to resume the worker with the answer.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
