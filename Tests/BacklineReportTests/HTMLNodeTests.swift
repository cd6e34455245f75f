import BacklineReport
import Testing

@Suite struct HTMLNodeTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"),
        ("nul\u{0}bell\u{7}", "nul\u{FFFD}bell\u{FFFD}"),
        ("tab\tnewline\n", "tab\tnewline\n"),
        ("ε ≤ 1 · 👍", "ε ≤ 1 · 👍"),
    ])
    func escapingReplacesMarkupAndControlCharacters(input: String, expected: String) {
        #expect(HTMLEscaping.escape(input) == expected)
    }

    @Test func textAndAttributeValuesCannotOpenElements() {
        let hostile = "\"><script>alert(1)</script><b x=\""
        let node = HTMLNode.element("td", [HTMLAttribute("title", hostile)], text: hostile)
        let html = node.rendered
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b "))
        #expect(html.hasPrefix("<td title=\"&quot;&gt;&lt;script&gt;"))
        #expect(HTMLMarkup.occurrences("<", in: html) == 2, "only the td start and end tags: \(html)")
    }

    @Test func voidElementsHaveNoEndTagAndOthersDo() {
        let html = HTMLNode.element("p", [], [.text("a"), .element("br"), .element("span", text: "b")]).rendered
        #expect(html == "<p>a<br><span>b</span></p>")
    }

    @Test func countVisitsEveryElement() {
        let node = HTMLNode.element(
            "g",
            [HTMLAttribute("class", "mark")],
            [
                .element("rect", [HTMLAttribute("class", "mark bar")]),
                .element("g", [], [.element("rect", [HTMLAttribute("class", "bar mark")])]),
                .element("rect", [HTMLAttribute("class", "marker")]),
            ]
        )
        let marks = node.count { _, attributes in
            attributes.contains { $0.name == "class" && $0.value.split(separator: " ").contains("mark") }
        }
        #expect(marks == 3)
    }

    @Test(arguments: [
        "<script>x</script>", "<img src=\"https://example.com/x.png\">", "<a href=\"//cdn.example\">", "<rect onload=\"x()\">",
        "<div style=\"background:url(http://x)\">",
    ])
    func theSelfContainmentCheckSeesActiveOrRemoteContent(html: String) {
        #expect(HTMLMarkup.hasActiveOrRemoteContent(html))
    }

    @Test func eventHandlerAttributesAreRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = HTMLAttribute("onclick", "alert(1)")
        }
    }

    @Test func scriptElementsAreRefused() async {
        await #expect(processExitsWith: .failure) {
            _ = HTMLNode.element("script", text: "alert(1)")
        }
    }
}
