/// A template in Go's text/template language (what KrakenD's SOAP backend and
/// body generators use), parsed once and executed over `Value` data.
///
///     let t = try GoTemplate(name: "body", text: "<id>{{ .req_params.Id }}</id>")
///     let body = try t.execute(data, escaping: .xml)
///
/// The language is Go's: actions, trim markers, comments, variables, pipelines,
/// `if`/`else if`/`range` (with `break`, `continue`, ranges over integers)/`with`
/// (and `else with`), `define`/`template`/`block`, Go's builtins, and a subset
/// of Sprig (see `TemplateFunction`). Values print as Go prints decoded JSON:
/// `map[a:1 b:2]`, `[1 2 3]`, numbers as their literal text, nested nulls `<nil>`.
///
/// Missing map keys behave as Go's default `missingkey=default`: printed
/// directly they read `<no value>`, in a function argument they are `nil`,
/// and reading a field of one gives another missing value (no error). A field
/// read through an explicit JSON `null` is an error, as in Go.
///
/// Departures from Go, all on edge cases: numbers are untyped (`eq 1 1.0` is
/// true, `%f` accepts integers, `%s` prints numbers); complex numbers, method
/// calls on values and function values (`call` always fails) do not exist;
/// `now`/`date` work in UTC; nesting is limited (100 levels of
/// `if`/`range`/`with`/parentheses in the text, 200 at run time including
/// `{{template}}` calls); error positions
/// use 1-based character columns (see `TemplateError`).
public struct GoTemplate: Sendable {
    /// The name given at parse time: the main template and the source in error messages.
    public let name: String
    private let templates: TemplateSet
    /// The main template's nodes, kept out of the dictionary for the common call.
    private let root: [TemplateNode]

    /// Parses `text`. Throws a `TemplateError` of phase `.parse` with Go's message.
    public init(name: String, text: String) throws(TemplateError) {
        self.name = name
        let source = TemplateSource(name: name, bytes: Array(text.utf8))
        let trees = try TemplateParser.parse(source)
        self.templates = TemplateSet(source: source, trees: trees)
        self.root = trees[name] ?? []
    }

    /// The names of the templates the text defines (the main one included), sorted.
    public var templateNames: [String] { templates.trees.keys.sorted() }

    /// Executes the main template (or the one named `template`, as Go's
    /// `ExecuteTemplate`) with `data` as `.` and `$`.
    public func execute(_ data: Value, escaping: TemplateEscaping = .none,
                        template: String? = nil) throws(TemplateError) -> String {
        var out: [UInt8] = []
        try execute(data, escaping: escaping, template: template, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the output to `buffer`. On error the buffer keeps what was
    /// written before the failing action, as Go's writer does.
    public func execute(_ data: Value, escaping: TemplateEscaping = .none, template: String? = nil,
                        into buffer: inout [UInt8]) throws(TemplateError) {
        let target = template ?? name
        guard let root = template == nil ? root : templates.trees[target] else {
            throw TemplateError(phase: .execution, templateName: name, line: 0, column: 0,
                                message: "no template \(TemplateQuote.quote(target)) associated with template \(TemplateQuote.quote(name))")
        }
        var executor = TemplateExecutor(set: templates, escaping: escaping, executing: target)
        swap(&executor.out, &buffer)
        defer { swap(&executor.out, &buffer) }
        // A JSON null as data is Go's nil interface: an invalid value.
        let dot: TemplateValue = data == .null ? .missing : .value(data)
        executor.dollar = dot
        _ = try executor.walk(root, dot: dot)
    }
}
