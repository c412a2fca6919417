import XCTest
@testable import GatewayCore

/// Go's fmt as seen from templates: printing of values, print/println spacing
/// and printf verbs, flags, widths and error marks (cases from fmt_test.go).
final class TemplateFormatTests: XCTestCase {
    static let data = #"{"a":12,"f":1.50,"s":"héllo","m":{"k":"v","n":[1,null],"e":{}},"l":["a",1,true,null],"e":[]}"#

    private func check(_ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (text, expected) in cases {
            XCTAssertEqual(try renderTemplate(text, Self.data), expected, text, file: file, line: line)
        }
    }

    func testPrintingValues() {
        check([
            ("{{.a}} {{.f}} {{.s}}", "12 1.50 héllo"),
            ("{{.m}}", "map[e:map[] k:v n:[1 <nil>]]"),
            ("{{.l}}", "[a 1 true <nil>]"),
            ("{{.e}}", "[]"),
            ("{{true}} {{false}}", "true false"),
            ("{{print .m .l 1 2 \"a\" \"b\" 3 nil}}", "map[e:map[] k:v n:[1 <nil>]] [a 1 true <nil>] 1 2ab3 <nil>"),
            ("{{print \"a\" 1 2 \"b\"}}", "a1 2b"),
            ("{{println \"a\" 1 nil}}", "a 1 <nil>\n"),
            ("{{print}}", ""),
        ])
    }

    func testPrintfStrings() {
        check([
            (#"{{printf "%s|%v|%q" "abc" "abc" "abc"}}"#, #"abc|abc|"abc""#),
            (#"{{printf "%x|%X|% x|%#x|%# x" "xyz" "xyz" "xyz" "xyz" "xyz"}}"#, "78797a|78797A|78 79 7a|0x78797a|0x78 0x79 0x7a"),
            (#"{{printf "%q|%#q|%#q|%q|%+q|%q" "\"" "abc" "`" "\n" "☺" "☺"}}"#, #""\""|`abc`|"`"|"\n"|"\u263a"|"☺""#),
            (#"{{printf "%q" "\x00\x7f\u00a0\U0001F600"}}"#, #""\x00\x7f\u00a0😀""#),
            (#"{{printf "%5s|%-5s|%05s|%.5s|%.0s|%.5s|%5.1s" "abc" "abc" "abc" "abcdefghij" "日本語" "日本語日本語" "日本"}}"#,
             "  abc|abc  |00abc|abcde||日本語日本|    日"),
            (#"{{printf "%.2q|%6q" "abc" "é"}}"#, #""ab"|   "é""#),
            (#"{{printf "%d" "x"}}"#, "%!d(string=x)"),
            (#"{{printf "%5d" "x"}}"#, "%!d(string=    x)"),
        ])
    }

    func testPrintfIntegers() {
        check([
            (#"{{printf "%d|%v|%d" 12345 12345 -12345}}"#, "12345|12345|-12345"),
            (#"{{printf "%x|%X|%o|%#o|%b|%O|%#x|%#X|%x" 0x1234abcd 0x1234abcd 01234 01234 7 8 255 255 -1}}"#,
             "1234abcd|1234ABCD|1234|01234|111|0o10|0xff|0XFF|-1"),
            (#"{{printf "%6d|%-6d|%06d|%+d|% d|%+ d" 12345 12345 12345 12345 12345 12345}}"#, " 12345|12345 |012345|+12345| 12345|+12345"),
            (#"{{printf "%.d|%6.0d|%.3d|%+.3d|%08.3d|%-08d|" 0 0 -7 7 7 7}}"#, "|      |-007|+007|     007|7       |"),
            (#"{{printf "%c|%q|%U|%#U|%q|%+q" 'x' 'x' 0x263A '☺' '☺' '☺'}}"#, "x|'x'|U+263A|U+263A '☺'|'☺'|'\\u263a'"),
            (#"{{printf "%c|%q" -1 1114112}}"#, "\u{FFFD}|'\u{FFFD}'"),
            (#"{{printf "%d|%x|%s|%v" .a .a .a .a}}"#, "12|c|12|12"),
            (#"{{printf "%d" 1.5}}"#, "%!d(float64=1.5)"),
            (#"{{printf "%d|%d" .f 2.0}}"#, "%!d(float64=1.50)|%!d(float64=2)"),
            (#"{{printf "%t|%t" true 1}}"#, "true|%!t(int=1)"),
        ])
    }

    func testPrintfFloats() {
        check([
            (#"{{printf "%.2f|%e|%g|%g|%g|%g|%v" 1.0 1.0 1.0 100000.0 1e6 1e-5 1e21}}"#,
             "1.00|1.000000e+00|1|100000|1e+06|1e-05|1e+21"),
            (#"{{printf "%+.3e|%8.2f|%-8.3f|%+08.2f|%08.2f|% .3E|% .3E" 0.0 1.0 -1.0 1.0 -1.0 -1.0 1.0}}"#,
             "+0.000e+00|    1.00|-1.000  |+0001.00|-0001.00|-1.000E+00| 1.000E+00"),
            (#"{{printf "%.3g|%.10g|%G|%.0f|%.0f|%.1f" 3.14159 3.14159 1e-7 2.5 3.5 0.05}}"#, "3.14|3.14159|1E-07|2|4|0.1"),
            (#"{{printf "%f|%.2f|%v|%s|%e" .f .f .f .f .a}}"#, "1.500000|1.50|1.50|1.50|1.200000e+01"),
            (#"{{printf "%v|%f|%08.2f|%+f|%v|% f" (float64 "Inf") (float64 "-Inf") (float64 "Inf") (float64 "NaN") (float64 "NaN") (float64 "NaN")}}"#,
             "+Inf|-Inf|    +Inf|+NaN|NaN| NaN"),
            (#"{{float64 1}} {{float64 "1e6"}} {{float64 "0.1"}} {{float64 123456789}}"#, "1 1e+06 0.1 1.23456789e+08"),
        ])
    }

    func testPrintfComposites() {
        check([
            (#"{{printf "%5v|%-6v|%q" .l .l .l}}"#, #"[    a     1  true <nil>]|[a      1      true   <nil> ]|["a" '\x01' %!q(bool=true) <nil>]"#),
            (#"{{printf "%s|%d" .l .l}}"#, "[a 1 %!s(bool=true) <nil>]|[%!d(string=a) 1 %!d(bool=true) <nil>]"),
            (#"{{printf "%v|%q" .m .m}}"#, #"map[e:map[] k:v n:[1 <nil>]]|map["e":map[] "k":"v" "n":['\x01' <nil>]]"#),
            (#"{{printf "%#v" .m}}"#, #"map[string]interface {}{"e":map[string]interface {}{}, "k":"v", "n":[]interface {}{1, interface {}(nil)}}"#),
            (#"{{printf "%T|%T|%T|%T|%T|%T|%T|%T" .a .f .m .l 1.5 nil true "s"}}"#,
             "int|float64|map[string]interface {}|[]interface {}|float64|<nil>|bool|string"),
            (#"{{printf "%#v|%#v|%#v" "a" 1 nil}}"#, #""a"|1|<nil>"#),
        ])
    }

    func testPrintfErrorMarks() {
        check([
            (#"{{printf "%d %d" 1}}"#, "1 %!d(MISSING)"),
            (#"{{printf "%d" 1 2 "x" nil}}"#, "1%!(EXTRA int=2, string=x, <nil>)"),
            (#"{{printf "%!" 1}}"#, "%!!(int=1)"),
            (#"{{printf "%z" 1}}"#, "%!z(int=1)"),
            (#"{{printf "%d" nil}}|{{printf "%s" .missing}}|{{printf "%v" .missing}}"#, "%!d(<nil>)|%!s(<nil>)|<nil>"),
            (#"{{printf "abc%"}}"#, "abc%!(NOVERB)"),
            (#"{{printf "%%|%5%|%-%" }}"#, "%|%|%"),
            (#"{{printf "%[2]d %[1]d|%[3]d|%[0]d|%[x]d" 1 2}}"#, "2 1|%!d(BADINDEX)|%!d(BADINDEX)|%!d(BADINDEX)"),
            (#"{{printf "%[2]*[1]d" 12 5}}"#, "   12"),
            (#"{{printf "%*d|%-*d|%.*f|%*d" 5 1 4 2 2 3.14159 "x" 7}}"#, "    1|2   |3.14|%!(BADWIDTH)7"),
            (#"{{printf "%.*d" -1 7}}"#, "%!(BADPREC)7"),
            (#"{{printf "%*d" -4 7}}"#, "7   "),
            (#"{{printf "%*d|%.*d" -9223372036854775808 1 9223372036854775807 2}}"#, "%!(BADWIDTH)1|%!(BADPREC)2"),
            (#"{{printf "%é" 1}}"#, "%!é(int=1)"),
        ])
    }

    func testFloatShortestFormatting() {
        let cases: [(Double, String)] = [
            (0, "0"), (1, "1"), (-1, "-1"), (0.1, "0.1"), (1.5, "1.5"), (100000, "100000"), (1e6, "1e+06"),
            (123456789, "1.23456789e+08"), (1234567.8, "1.2345678e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"), (1e21, "1e+21"), (1e100, "1e+100"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-0.0, "-0"), (123.456, "123.456"), (999999, "999999"), (0.3, "0.3"),
        ]
        for (d, expected) in cases {
            XCTAssertEqual(TemplateFloat.formatShortest(d), expected, "\(d)")
        }
    }
}
