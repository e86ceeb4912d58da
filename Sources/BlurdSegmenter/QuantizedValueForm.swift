/// How the int8 engine holds one value (a layer's output) of a `QuantizedNetwork`.
///
/// - `codes`: u8 per channel plane, read through `QuantizedActivationParameters`; every
///   spatial value between the input and the net's outputs.
/// - `reals`: fp32 planes: the net's output and the convolutions that feed it only through
///   `concat` (blurseg-v3's blur logit and type channels). Logits are where the 0.5 threshold
///   and the type's argmax are taken, so they are never rounded to 8 bits.
/// - `vector`: an fp32 vector, one value per channel: a frame-level value (`gap` and what is
///   computed from it alone). The context branch costs 2 × 1,024 MACs per frame against
///   ~330 million for the rest of blurseg-v3 at 640×360, so running it in fp32 costs nothing
///   measurable and adds no quantization error to a vector that shifts every cell of the map.
enum QuantizedValueForm: Sendable, Equatable {
    case codes, reals, vector

    /// The form of every value of `plan` (index 0: the input), or why the int8 engine cannot
    /// run it.
    static func forms(of plan: NetworkPlan) throws -> [QuantizedValueForm] {
        let count = plan.steps.count + 1
        // The layers that read each value's data (an `up` reads only its reference's size).
        var readers = [[Int]](repeating: [], count: count)
        for (i, step) in plan.steps.enumerated() {
            readers[step.input].append(i)
            if let r = step.reference, step.layer.op != .up { readers[r].append(i) }
        }
        var forms = [QuantizedValueForm](repeating: .codes, count: count)
        for v in stride(from: count - 1, through: 1, by: -1) {
            if plan.frameLevel[v] {
                forms[v] = .vector
            } else if v == count - 1 {
                forms[v] = .reals
            } else if !readers[v].isEmpty,
                      readers[v].allSatisfy({ plan.steps[$0].layer.op == .concat && forms[$0 + 1] == .reals }) {
                forms[v] = .reals
            }
        }
        for (i, step) in plan.steps.enumerated() {
            try check(layer: i, step: step, forms: forms)
        }
        return forms
    }

    private static func check(layer i: Int, step: NetworkPlan.Step, forms: [QuantizedValueForm]) throws {
        let l = step.layer, input = forms[step.input], output = forms[i + 1]
        let reference = step.reference.map { forms[$0] }
        func refuse(_ why: String) -> QuantizedNetworkError { QuantizedNetworkError("layer \(i): \(why)") }
        switch (l.op, input) {
        case (.conv, .codes):
            guard l.groups == 1 else { throw refuse("grouped convolution has no int8 kernel") }
            let allowed: [Activation] = output == .reals ? [.relu, .none, .sigmoid] : [.relu, .none]
            guard allowed.contains(l.activation) else { throw refuse("activation \(l.activation.rawValue) has no int8 form here") }
            return
        case (.conv, .vector):
            guard l.groups == 1, l.kernel == 1 else { throw refuse("a frame-level conv runs in the int8 engine only as 1×1 without groups") }
            guard [.relu, .none, .sigmoid, .leaky].contains(l.activation) else {
                throw refuse("activation \(l.activation.rawValue) of a frame-level conv has no int8 form")
            }
            return
        case (.up, .codes):
            guard l.upsampleMode == .bilinear else { throw refuse("only bilinear up runs in int8") }
            guard output == .codes else { throw refuse("an up that feeds the output has no int8 form") }
        case (.concat, _):
            guard reference == input, output == input else { throw refuse("concat of values held in different forms has no int8 form") }
        case (.gap, .codes):
            return
        case (.add, .vector) where reference == .vector:
            return
        case (.add, .codes) where reference == .vector, (.add, .vector) where reference == .codes:
            guard output == .codes else { throw refuse("a broadcast add that feeds the output has no int8 form") }
            guard l.activation == .none || l.activation == .relu else { throw refuse("activation after add has no int8 form") }
            return
        case (.add, _):
            throw refuse("add of two spatial tensors has no int8 form (run this model with --precision fp32)")
        default:
            let hint = l.op == .bn ? "fold batch norm first" : "run this model with --precision fp32"
            throw refuse("\(l.op.rawValue) has no int8 form (\(hint))")
        }
        guard l.activation == .none || l.activation == .relu else {
            throw refuse("activation after \(l.op.rawValue) has no int8 form")
        }
    }
}
