import ChaosCore
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func textIsCompactWithSortedKeysAndWholeNumbersAsIntegers() throws {
        let value: JSONValue = ["b": [1, .number(2.5), .null, false], "a": ["z": "\"q\"\n", "y": .number(-0.0)]]
        #expect(value.jsonText == #"{"a":{"y":0,"z":"\"q\"\n"},"b":[1,2.5,null,false]}"#)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(value.jsonText.utf8)) == value)
    }

    @Test(arguments: [
        (#"{"a":1,"b":"two"}"#, #"{"a":1,"b":"two"}"#),              // whole
        (#"{"a":1,"b":"tw"#, #"{"a":1}"#),                            // cut inside a string
        (#"{"a":"x,y","b":[1,2"#, #"{"a":"x,y"}"#),                   // a comma inside a string is not a member's end
        (#"{"a":{"p":1,"q":2},"b":{"p":1,"#, #"{"a":{"p":1,"q":2}}"#), // inner commas do not count
        (#"{"a":"\"","b"#, #"{"a":"\""}"#),                            // an escaped quote does not end the string
        (#"{"a":1"#, "{}"),
        ("{", "{}"),
        ("", "{}"),
        ("[1,2", "{}"),
    ])
    func aCutObjectKeepsTheMembersWrittenWhole(text: String, expected: String) {
        #expect(JSONValue.parsing(completedPrefixOf: text).jsonText == expected)
    }
}
