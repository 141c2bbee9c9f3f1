import Testing
@testable import Load

@Suite struct TemplateTextTests {
    let values = TemplateText.Values(question: "Revenue by {{tenant}}?", requestID: "r-7", tenant: "acme")

    @Test(arguments: [
        ("{\"q\":\"{{question}}\",\"id\":\"{{request_id}}\"}", "{\"q\":\"Revenue by {{tenant}}?\",\"id\":\"r-7\"}"),
        ("/ask/{{tenant}}/{{tenant}}", "/ask/acme/acme"),
        ("{{unknown}} {{question", "{{unknown}} {{question"),
        ("{{{tenant}}}", "{acme}"),
        ("no placeholders", "no placeholders"),
        ("", ""),
    ])
    func placeholdersAreFilledOnceAndOtherTextIsKept(template: String, expected: String) {
        #expect(TemplateText(template).fill(values, escape: { $0 }) == expected)
    }

    @Test func valuesAreEscapedForWhereTheyGo() {
        let tricky = TemplateText.Values(question: "a \"b\" \\ c\nd & e=f", requestID: "r", tenant: "t")
        #expect(TemplateText("{\"q\":\"{{question}}\"}").fill(tricky, escape: TemplateText.jsonEscape) == #"{"q":"a \"b\" \\ c\nd & e=f"}"#)
        #expect(TemplateText("/q?text={{question}}").fill(tricky, escape: TemplateText.urlEscape) == "/q?text=a%20%22b%22%20%5C%20c%0Ad%20%26%20e%3Df")
    }
}
