import Foundation

/// A string that a string argument's `pattern` matches, as a model writes one for
/// an id or a code (`^[A-Z]{3}-\d{2}$` → `AAA-00`). Reads the common part of the
/// regular expression language: literals and escapes, `.`, classes with ranges and
/// negation, `\d \w \s` and their opposites, groups (the first branch of an
/// alternation), `? * + {n} {n,} {n,m}`, anchors. Nil for anything else
/// (backreferences, lookaround, Unicode classes), and for an example the regular
/// expression engine does not confirm.
enum PatternExample {
    /// Whether `pattern` finds a match in `text`: JSON Schema's `pattern` is not anchored.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func example(of pattern: String) -> String? {
        var parser = Parser(characters: Array(pattern.unicodeScalars))
        guard let text = parser.alternation(), parser.index == parser.characters.count else { return nil }
        return matches(pattern, text) ? text : nil
    }

    private typealias Scalars = [ClosedRange<UInt32>]

    private enum Escaped {
        case scalar(Unicode.Scalar)
        case set(Scalars)
        case anchor
    }

    private struct Parser {
        let characters: [Unicode.Scalar]
        var index = 0

        var current: Unicode.Scalar? { index < characters.count ? characters[index] : nil }

        /// The first branch's example; the others are read past.
        mutating func alternation() -> String? {
            guard let first = sequence() else { return nil }
            while current == "|" {
                index += 1
                guard sequence() != nil else { return nil }
            }
            return first
        }

        mutating func sequence() -> String? {
            var out = ""
            while let next = current, next != "|", next != ")" {
                guard let atom = atom(), let count = quantifier() else { return nil }
                out += String(repeating: atom, count: count)
            }
            return out
        }

        mutating func atom() -> String? {
            let next = characters[index]
            index += 1
            switch next {
            case "^", "$": return ""
            case ".": return "a"
            case "*", "+", "?": return nil
            case "(":
                if current == "?" {
                    // Only a non-capturing group: lookaround and named groups are not read.
                    guard index + 1 < characters.count, characters[index + 1] == ":" else { return nil }
                    index += 2
                }
                guard let inner = alternation(), current == ")" else { return nil }
                index += 1
                return inner
            case "[": return characterClass()
            case "\\":
                switch escaped(inClass: false) {
                case let .scalar(scalar)?: return String(scalar)
                case let .set(ranges)?: return Self.pick(from: ranges)
                case .anchor?: return ""
                case nil: return nil
                }
            default: return String(next)
            }
        }

        /// How many times to write the atom: once where it may be left out or
        /// repeated (`https?` reads as `https`), the least a brace asks for.
        mutating func quantifier() -> Int? {
            var count = 1
            switch current {
            case "?"?, "*"?, "+"?: index += 1
            case "{"?:
                guard let (least, end) = braces() else { return 1 }  // a literal brace
                index = end
                count = least
            default: return 1
            }
            if current == "?" || current == "+" { index += 1 }  // lazy or possessive
            return count
        }

        /// `{n}`, `{n,}` or `{n,m}` at the reader: n, and where it ends.
        func braces() -> (Int, Int)? {
            var at = index + 1
            var digits = ""
            while at < characters.count, ("0"..."9").contains(characters[at]) { digits.unicodeScalars.append(characters[at]); at += 1 }
            guard let least = Int(digits) else { return nil }
            if at < characters.count, characters[at] == "," {
                at += 1
                while at < characters.count, ("0"..."9").contains(characters[at]) { at += 1 }
            }
            guard at < characters.count, characters[at] == "}" else { return nil }
            return (least, at + 1)
        }

        mutating func characterClass() -> String? {
            let negated = current == "^"
            if negated { index += 1 }
            var members: Scalars = []
            var first = true
            while let next = current, next != "]" || first {
                first = false
                index += 1
                var low = next
                if next == "\\" {
                    switch escaped(inClass: true) {
                    case let .scalar(scalar)?: low = scalar
                    case let .set(ranges)?: members += ranges; continue
                    case .anchor?, nil: return nil
                    }
                }
                if current == "-", index + 1 < characters.count, characters[index + 1] != "]" {
                    index += 1
                    var high = characters[index]
                    index += 1
                    if high == "\\" {
                        guard case let .scalar(scalar)? = escaped(inClass: true) else { return nil }
                        high = scalar
                    }
                    guard low.value <= high.value else { return nil }
                    members.append(low.value...high.value)
                } else {
                    members.append(low.value...low.value)
                }
            }
            guard current == "]" else { return nil }
            index += 1
            guard negated else { return Self.pick(from: members) }
            let preferred = Array(0x61...0x7A) + Array(0x41...0x5A) + Array(0x30...0x39) + Array(0x21...0x7E)
            return preferred.first { value in !members.contains { $0.contains(UInt32(value)) } }.map { String(UnicodeScalar(UInt8($0))) }
        }

        /// After a backslash.
        mutating func escaped(inClass: Bool) -> Escaped? {
            guard let next = current else { return nil }
            index += 1
            switch next {
            case "d": return .set([0x30...0x39])
            case "w": return .set([0x61...0x7A, 0x41...0x5A, 0x30...0x39, 0x5F...0x5F])
            case "s": return .set([0x20...0x20])
            case "D", "S": return .set([0x61...0x61])
            case "W": return .set([0x2D...0x2D])
            case "n": return .scalar("\n")
            case "t": return .scalar("\t")
            case "r": return .scalar("\r")
            case "b", "B", "A", "Z", "z": return inClass ? nil : .anchor
            case "1"..."9", "u", "x", "p", "P", "k", "N", "c", "0": return nil
            default: return .scalar(next)
            }
        }

        /// A letter or digit of the set when it has one, else its first member.
        static func pick(from ranges: Scalars) -> String? {
            let readable = ranges.first { range in [0x61, 0x41, 0x30].contains { range.contains($0) } }
            guard let range = readable ?? ranges.first, let scalar = Unicode.Scalar(range.lowerBound) else { return nil }
            for preferred: UInt32 in [0x61, 0x41, 0x30] where range.contains(preferred) { return String(Unicode.Scalar(preferred)!) }
            return String(scalar)
        }
    }
}
