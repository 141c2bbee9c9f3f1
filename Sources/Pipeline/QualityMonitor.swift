import AnthropicAPI
import ChaosCore
import Foundation
import Synchronization
import Workload

/// Grades every Nth answer a model served: by a model-as-judge call (the mock
/// answers those from ground truth unless a fault makes the judge lie) and, where
/// the workload knows the golden SQL, by execution accuracy. Keeps a rolling score.
public final class QualityMonitor: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Grade one answer in `every`.
        public var every: Int = 10
        /// The rolling score is the mean of the last `window` samples.
        public var window: Int = 20
        public var judgeModel: String = "claude-sonnet-4-6"
        public var judgeTimeout: Duration = .seconds(30)
        /// Also grade by execution accuracy where the golden SQL is known.
        public var useGroundTruth = true
        public init() {}
    }

    public let configuration: Configuration
    private let answers = Atomic<Int>(0)
    private let scores = Mutex<[Double]>([])
    private let matcher = QuestionMatcher()

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Whether this answer is one to grade (every Nth model-served answer).
    func shouldSample() -> Bool {
        let n = answers.wrappingAdd(1, ordering: .relaxed).newValue
        return configuration.every > 0 && n % configuration.every == 0
    }

    /// Grades one answer; returns the samples taken (judge, and execution when known).
    func grade(_ outcome: PipelineOutcome, sql: String, client: ModelClient, grader: ExecutionGrader) async -> [QualitySample] {
        var samples: [QualitySample] = []
        let judge = Self.judgeRequest(question: outcome.question, sql: sql, model: configuration.judgeModel)
        if case let .success(reply) = await client.send(judge, requestID: outcome.requestID + "-judge", attempt: 1, timeout: configuration.judgeTimeout),
           let verdict = try? JSONDecoder().decode(JudgeVerdict.self, from: Data(reply.text.utf8)), verdict.verdict != .unknown {
            samples.append(record(outcome, score: verdict.score, method: "judge", at: client.clock.now()))
        }
        if configuration.useGroundTruth, let golden = matcher.match(outcome.question) {
            let grade = await grader.grade(sql, against: golden)
            samples.append(record(outcome, score: grade.isCorrect ? 1 : 0, method: "execution", at: client.clock.now()))
        }
        return samples
    }

    private func record(_ outcome: PipelineOutcome, score: Double, method: String, at now: Duration) -> QualitySample {
        let window = configuration.window
        let rolling = scores.withLock { all -> Double in
            all.append(score)
            if all.count > window { all.removeFirst(all.count - window) }
            return all.reduce(0, +) / Double(all.count)
        }
        return QualitySample(at: now, requestID: outcome.requestID, model: outcome.servedBy, score: score, method: method, rollingScore: rolling)
    }

    /// The judge prompt, in the protocol the mock documents.
    static func judgeRequest(question: String, sql: String, model: String) -> MessagesRequest {
        MessagesRequest(
            model: model, maxTokens: 200,
            messages: [Message(role: .user, text: "\(JudgeCall.marker) Does this SQL answer the question? Reply with JSON {verdict, score, reason}.\n<question>\(question)</question>\n<sql>\(sql)</sql>")]
        )
    }
}
