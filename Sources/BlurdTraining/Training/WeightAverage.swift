import BlurdSegmenter

/// An exponential moving average of the weights over the optimizer's steps (Polyak averaging),
/// kept beside the weights being trained and used for validation, selection and export.
///
/// Why: on real footage the raw weights of one run move by a few hundredths from one checkpoint
/// to the next (docs/MODEL.md), so which checkpoint is exported is partly luck; the average over
/// the last few thousand steps is smoother and does not depend on where the run was stopped.
///
/// The decay ramps up as d_t = min(decay, (1 + t) / (10 + t)) so the first steps, far from
/// anything worth keeping, are forgotten quickly (t counts the updates made).
public struct WeightAverage: Equatable {
    public let decay: Float
    public private(set) var updates: Int
    /// One array per parameter, in `Network.parameters` order.
    public private(set) var values: [[Float]]

    /// Starts the average at the current weights.
    public init(decay: Float, parameters: [Parameter]) {
        self.init(decay: decay, updates: 0, values: parameters.map(\.value))
    }

    /// Restores a saved average.
    public init(decay: Float, updates: Int, values: [[Float]]) {
        self.decay = decay
        self.updates = updates
        self.values = values
    }

    /// Folds the weights after one optimizer step into the average.
    public mutating func update(from parameters: [Parameter]) {
        precondition(parameters.count == values.count, "the average belongs to another network")
        let rate = min(decay, Float(1 + updates) / Float(10 + updates))
        for index in parameters.indices {
            let weights = parameters[index].value
            values[index].withUnsafeMutableBufferPointer { average in
                for i in average.indices { average[i] = rate * average[i] + (1 - rate) * weights[i] }
            }
        }
        updates += 1
    }
}
