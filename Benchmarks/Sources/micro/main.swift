// Micro-benchmarks: the gateway's JSON parser and serializer (`Value`) against
// Foundation's JSONSerialization and JSONDecoder/JSONEncoder, and the response
// manipulation chain. See Benchmarks/README.md.
//
//     swift run -c release --package-path Benchmarks micro [--quick] [--samples N] [--filter TEXT]

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GatewayCore
import GatewayGRPC
import FlightsGenerated
import SwiftProtobuf

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

#if DEBUG
print("WARNING: debug build; the numbers mean nothing. Use `swift run -c release ...`.\n")
#endif

struct Row {
    var label: String       // "parse small (273 B)"
    var impl: String        // "ours (Value)"
    var stats: Stats
    var bytes: Int          // payload size, for MB/s
    var baseline: Stats?    // what the ratio column compares against
}

var rows: [Row] = []
/// A section's heading, printed before its first measured row (so that a
/// `--filter` that leaves a section empty leaves no empty table).
var pendingHeading: String?

@MainActor func wanted(_ label: String, _ impl: String) -> Bool {
    guard let f = options.filter else { return true }
    return "\(label) \(impl)".localizedCaseInsensitiveContains(f)
}

/// Measures `body` and records it; `baseline` is the row the ratio is against.
@MainActor @discardableResult
func bench(_ label: String, _ impl: String, bytes: Int, baseline: Stats? = nil, _ body: () -> Void) -> Stats? {
    guard wanted(label, impl) else { return nil }
    if let heading = pendingHeading {
        print(heading)
        printHeader("ratio")
        pendingHeading = nil
    }
    let stats = measure(options, body)
    rows.append(Row(label: label, impl: impl, stats: stats, bytes: bytes, baseline: baseline))
    printRow(rows[rows.count - 1])
    return stats
}

func printHeader(_ ratioTitle: String) {
    print(pad("operation", 30) + pad("implementation", 32) + pad("median", 11, right: true) + pad("min", 11, right: true)
        + pad("ops/s", 10, right: true) + pad("MB/s", 9, right: true) + "  " + ratioTitle)
    print(String(repeating: "-", count: 30 + 32 + 11 + 11 + 10 + 9 + 2 + ratioTitle.count))
}

func printRow(_ r: Row) {
    let mbps = Double(r.bytes) / r.stats.median * 1e9 / 1e6
    let ratio = r.baseline.map { fixed($0.median > 0 ? r.stats.median / $0.median : 0, 2) + "×" } ?? "—"
    print(pad(r.label, 30) + pad(r.impl, 32) + pad(formatTime(r.stats.median), 11, right: true)
        + pad(formatTime(r.stats.min), 11, right: true) + pad(formatRate(r.stats.opsPerSecond), 10, right: true)
        + pad(fixed(mbps, 0), 9, right: true) + "  " + pad(ratio, 8, right: true))
}

/// JSONSerialization's own sorted re-encoding, to check that two documents
/// hold the same data whatever their formatting.
func canonical(_ data: Data) -> Data {
    try! JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: data), options: [.sortedKeys])
}

// MARK: - (a) parse and (b) serialize

/// One payload: check that every implementation reads it, then time the
/// parsers and the serializers. The ratio column is Foundation / ours: how
/// many times faster ours is.
@MainActor func runCodec<Model: Codable & Sendable>(_ name: String, _ bytes: [UInt8], model: Model.Type) {
    let data = Data(bytes)
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let value = try! Value(json: bytes)
    let foundationObject = try! JSONSerialization.jsonObject(with: data)
    let anyJSON = try! decoder.decode(AnyJSON.self, from: data)
    let typed = try! decoder.decode(Model.self, from: data)
    precondition(canonical(Data(value.jsonBytes)) == canonical(data), "\(name): our round trip changed the data")

    let size = "\(name) (\(formatBytes(bytes.count)))"
    let parse = "parse \(size)"
    let ours = bench(parse, "ours Value(json:)", bytes: bytes.count) { blackHole(try! Value(json: bytes)) }
    bench(parse, "JSONSerialization", bytes: bytes.count, baseline: ours) {
        blackHole(try! JSONSerialization.jsonObject(with: data))
    }
    bench(parse, "JSONDecoder → AnyJSON", bytes: bytes.count, baseline: ours) {
        blackHole(try! decoder.decode(AnyJSON.self, from: data))
    }
    bench(parse, "JSONDecoder → typed model", bytes: bytes.count, baseline: ours) {
        blackHole(try! decoder.decode(Model.self, from: data))
    }

    let serialize = "serialize \(size)"
    let oursOut = bench(serialize, "ours .jsonBytes (sorted)", bytes: bytes.count) { blackHole(value.jsonBytes) }
    bench(serialize, "JSONSerialization .sortedKeys", bytes: bytes.count, baseline: oursOut) {
        blackHole(try! JSONSerialization.data(withJSONObject: foundationObject, options: [.sortedKeys]))
    }
    // For reference: most of JSONSerialization's serialize time above is its key sorting.
    bench(serialize, "JSONSerialization (unsorted)", bytes: bytes.count, baseline: oursOut) {
        blackHole(try! JSONSerialization.data(withJSONObject: foundationObject))
    }
    bench(serialize, "JSONEncoder AnyJSON .sortedKeys", bytes: bytes.count, baseline: oursOut) {
        blackHole(try! encoder.encode(anyJSON))
    }
    bench(serialize, "JSONEncoder typed .sortedKeys", bytes: bytes.count, baseline: oursOut) {
        blackHole(try! encoder.encode(typed))
    }
}

let small = Payloads.backendFile("data.json")
let big = Payloads.backendFile("big.json")
let large = Payloads.large()

print("micro: \(options.samples) samples per operation, ~\(fixed(options.sampleTarget.nanoseconds / 1e6, 0)) ms each, "
    + "\(fixed(options.warmup.nanoseconds / 1e6, 0)) ms warm-up; times are per operation")
pendingHeading = "\n(a) parse, (b) serialize: ratio = Foundation median / ours median (> 1: ours is that many times faster)\n"
runCodec("small", small, model: SmallModel.self)
runCodec("5 KB", big, model: BigModel.self)
runCodec("1 MB", large, model: [LargeRecord].self)

// MARK: - (c) manipulation chain on the 5 KB object

// big.json wrapped in an envelope so that `target` has something to extract
// (5.1 KB in all). Backend level: target + deny + mapping (or allow, which
// makes KrakenD ignore deny) and `group`; then, as the endpoint-level step
// after a merge, a flatmap_filter that renames a field in every item and
// deletes two others.
let envelope = Array(#"{"data":"#.utf8) + big + Array(#","meta":{"source":"catalog","cached":false,"took_ms":12}}"#.utf8)
let envelopeValue = try! Value(json: envelope)
guard case .object(let envelopeObject) = envelopeValue else { fatalError("envelope is not an object") }

let denyChain = ResponseManipulation(target: "data", allow: [], deny: ["per_page", "page"],
                                     mapping: ["items": "products", "total": "count"])
let allowChain = ResponseManipulation(target: "data", allow: ["total", "items"], deny: ["per_page"],
                                      mapping: ["items": "products", "total": "count"])
let flatmap = try! FlatmapFilter(Value(json: #"""
    [{"type": "move", "args": ["catalog.products.*.sku", "catalog.products.*.code"]},
     {"type": "del", "args": ["catalog.products.*.tags", "catalog.products.*.in_stock"]}]
    """#))

/// What one backend's answer goes through on the gateway: manipulation, group,
/// then (endpoint level) the flatmap.
@MainActor func manipulate(_ object: [String: Value]) -> [String: Value] {
    let manipulated = denyChain.apply(object)
    return flatmap.apply(ResponseManipulation.group(manipulated, as: "catalog"))
}

// Check that the chain does what it says before timing it.
do {
    let out = manipulate(envelopeObject)
    guard case .object(let catalog)? = out["catalog"], case .array(let products)? = catalog["products"],
          case .object(let first)? = products.first else { fatalError("chain: no catalog.products") }
    precondition(products.count == 47 && catalog["count"] != nil && catalog["per_page"] == nil && catalog["page"] == nil)
    precondition(first["code"] != nil && first["sku"] == nil && first["tags"] == nil && first["in_stock"] == nil && first["price"] != nil)
    let allowed = allowChain.apply(envelopeObject)
    precondition(Set(allowed.keys) == ["count", "products"])
}

pendingHeading = "\n(c) manipulation on big.json in an envelope (\(formatBytes(envelope.count))): "
    + "ratio = time / (parse + serialize) of the same bytes, what /json-big does per request\n"
let m = "manipulate 5 KB"
let parseSerialize = bench(m, "parse + serialize (baseline)", bytes: envelope.count) {
    blackHole(try! Value(json: envelope).jsonBytes)
}
bench(m, "target+deny+mapping", bytes: envelope.count, baseline: parseSerialize) {
    blackHole(denyChain.apply(envelopeObject))
}
bench(m, "target+allow(+deny)+mapping", bytes: envelope.count, baseline: parseSerialize) {
    blackHole(allowChain.apply(envelopeObject))
}
let grouped = ResponseManipulation.group(denyChain.apply(envelopeObject), as: "catalog")
bench(m, "flatmap move *.sku + del 2×*", bytes: envelope.count, baseline: parseSerialize) {
    blackHole(flatmap.apply(grouped))
}
bench(m, "chain: deny+map, group, flatmap", bytes: envelope.count, baseline: parseSerialize) {
    blackHole(manipulate(envelopeObject))
}
bench(m, "parse + chain + serialize", bytes: envelope.count, baseline: parseSerialize) {
    guard case .object(let object) = try! Value(json: envelope) else { fatalError() }
    blackHole(Value.object(manipulate(object)).jsonBytes)
}

// MARK: - (d) SOAP body templates

/// The manual's CountryFlag body, and a 50-field one, executed with XML
/// escaping as the SOAP backend does; the baseline is the same text built by
/// hand-written Swift string appends (escaping included).
let flagTemplate = """
<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <CountryFlag xmlns="http://www.oorsprong.org/websamples.countryinfo">
      <sCountryISOCode>{{ .req_params.Country }}</sCountryISOCode>
    </CountryFlag>
  </soap:Body>
</soap:Envelope>
"""
let fieldNames = (0..<50).map { "Field\($0)" }
let wideTemplate = "<Envelope><Body><Update>" + fieldNames.map { "<\($0)>{{ .req_body.\($0) }}</\($0)>" }.joined() + "</Update></Body></Envelope>"
let flagData = Value.object(["req_params": .object(["Country": .string("ES")])])
var wideFields: [String: Value] = [:]
for (i, name) in fieldNames.enumerated() { wideFields[name] = .string("value <\(i)> & more") }
let wideData = Value.object(["req_body": .object(wideFields)])

func xmlEscaped(_ s: String, into out: inout String) {
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(c)
        }
    }
}

pendingHeading = "\n(d) templates with XML escaping: ratio = ours median / hand-written Swift median (< 1: ours is faster)\n"
let flag = try! GoTemplate(name: "flag", text: flagTemplate)
let wide = try! GoTemplate(name: "wide", text: wideTemplate)
let flagParts = flagTemplate.components(separatedBy: "{{ .req_params.Country }}")
let handFlag = bench("template CountryFlag", "hand-written appends", bytes: flagTemplate.utf8.count) {
    var out = flagParts[0]
    xmlEscaped(flagData["req_params"]?["Country"]?.stringValue ?? "", into: &out)
    out += flagParts[1]
    blackHole(out)
}
var templateBuffer: [UInt8] = []
bench("template CountryFlag", "ours GoTemplate (into [UInt8])", bytes: flagTemplate.utf8.count, baseline: handFlag) {
    templateBuffer.removeAll(keepingCapacity: true)
    try! flag.execute(flagData, escaping: .xml, into: &templateBuffer)
    blackHole(templateBuffer.count)
}
let handWide = bench("template 50 fields", "hand-written appends", bytes: wideTemplate.utf8.count) {
    var out = "<Envelope><Body><Update>"
    let body = wideData["req_body"]
    for name in fieldNames {
        out += "<" + name + ">"
        xmlEscaped(body?[name]?.stringValue ?? "", into: &out)
        out += "</" + name + ">"
    }
    out += "</Update></Body></Envelope>"
    blackHole(out)
}
bench("template 50 fields", "ours GoTemplate (into [UInt8])", bytes: wideTemplate.utf8.count, baseline: handWide) {
    templateBuffer.removeAll(keepingCapacity: true)
    try! wide.execute(wideData, escaping: .xml, into: &templateBuffer)
    blackHole(templateBuffer.count)
}

// MARK: - (e) SOAP answers: XML to Value

/// A SOAP answer of `records` items (5 KB and 1 MB), decoded with the `xml`
/// encoding's decoder (mxj conventions) against FoundationXML's XMLParser
/// building the same kind of tree (nested dictionaries, repeated elements as
/// arrays, attributes as `-name`).
func soapAnswer(records: Int) -> [UInt8] {
    var xml = #"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:ListCountriesResponse xmlns:m="http://www.oorsprong.org/websamples.countryinfo"><m:ListCountriesResult>"#
    for i in 0..<records {
        xml += #"<m:tCountryCodeAndName id="\#(i)"><m:sISOCode>C\#(i % 100)</m:sISOCode><m:sName>Country &amp; number \#(i)</m:sName><m:sCapital>Capital \#(i)</m:sCapital></m:tCountryCodeAndName>"#
    }
    xml += "</m:ListCountriesResult></m:ListCountriesResponse></soap:Body></soap:Envelope>"
    return Array(xml.utf8)
}

final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [(name: String, members: [String: Any], text: String)] = [("", [:], "")]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        var members: [String: Any] = [:]
        for (key, value) in attributes { members["-" + key] = value }
        stack.append((name, members, ""))
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { stack[stack.count - 1].text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let done = stack.removeLast()
        let value: Any = done.members.isEmpty ? done.text : done.members
        let local = String(done.name.split(separator: ":").last ?? "")
        if let existing = stack[stack.count - 1].members[local] {
            if var list = existing as? [Any] { list.append(value); stack[stack.count - 1].members[local] = list } else { stack[stack.count - 1].members[local] = [existing, value] }
        } else {
            stack[stack.count - 1].members[local] = value
        }
    }
}

pendingHeading = "\n(e) XML to a tree: ratio = XMLParser median / ours median (> 1: ours is that many times faster)\n"
for records in [25, 5000] {
    let bytes = soapAnswer(records: records)
    let label = "xml SOAP answer (\(formatBytes(bytes.count)))"
    let ours = bench(label, "ours XMLMapDecoder", bytes: bytes.count) { blackHole(try! XMLMapDecoder.decode(bytes)) }
    let data = Data(bytes)
    let theirs = bench(label, "FoundationXML XMLParser tree", bytes: bytes.count) {
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder
        _ = parser.parse()
        blackHole(builder.stack)
    }
    if let ours, let theirs { print("  → XMLParser / ours = \(fixed(theirs.median / ours.median, 2))×") }
}

// MARK: - (f) protobuf: the descriptor-driven codec against generated code

/// A ~2 KB flight finder answer (4 flights of 2 segments, airports map,
/// timestamps, durations, a oneof), decoded and encoded by the gateway's
/// codec (bytes ⇄ `Value`, driven by catalogs/flights/flights.pb) and by
/// swift-protobuf's generated `FlightFinderResponse` (bytes ⇄ struct).
func airportJSON(_ iata: String, _ name: String, _ city: String, _ lat: String, _ lon: String) -> String {
    #"{"iata":"\#(iata)","name":"\#(name)","city":"\#(city)","location":{"latitude":\#(lat),"longitude":\#(lon)}}"#
}
let bcnJSON = airportJSON("BCN", "Josep Tarradellas Barcelona-El Prat", "Barcelona", "41.2974", "2.0833")
let madJSON = airportJSON("MAD", "Adolfo Suárez Madrid-Barajas", "Madrid", "40.4983", "-3.5676")
let lhrJSON = airportJSON("LHR", "London Heathrow", "London", "51.47", "-0.4543")
func segmentJSON(_ number: String, _ from: String, _ to: String, _ departure: Int) -> String {
    #"{"flight_number":"\#(number)","carrier":"KrakenAir","origin":\#(from),"destination":\#(to),"departure_time":{"seconds":\#(departure),"nanos":0},"arrival_time":{"seconds":\#(departure + 5100),"nanos":500000000},"duration":{"seconds":5100,"nanos":500000000}}"#
}
func flightJSON(_ id: Int, _ cabin: String) -> String {
    #"{"id":"FL-\#(id)","segments":[\#(segmentJSON("KK10" + String(id), bcnJSON, madJSON, 1_688_896_800 + id * 3600)),\#(segmentJSON("KK20" + String(id), madJSON, lhrJSON, 1_688_906_800 + id * 3600))],"cabin":"\#(cabin)","price":{"currency":"EUR","units":\#(100 + id),"nanos":990000000},"seats_left":\#(id),"amenities":["wifi","meal","power","lounge"],"total_duration":{"seconds":12600,"nanos":0},"baggage_allowance":{"cabin":1,"checked":2},"fare_code":"YFLEX\#(id)"}"#
}
let flightsValue = try! Value(json: #"{"flights":[\#(flightJSON(1, "BUSINESS")),\#(flightJSON(2, "ECONOMY")),\#(flightJSON(3, "FIRST")),\#(flightJSON(4, "PREMIUM_ECONOMY"))],"airports":{"BCN":\#(bcnJSON),"MAD":\#(madJSON),"LHR":\#(lhrJSON)},"next_cursor":"c2","total_results":"3","searched_at":{"seconds":1688898600,"nanos":1000}}"#)

let catalogURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("catalogs/flights/flights.pb")
let flightsCatalog = try! GRPCCatalog.load([catalogURL.path])
let responseType = flightsCatalog.message(named: "flight_finder.FlightFinderResponse")!
let protoEncoder = MessageEncoder(catalog: flightsCatalog)
let protoDecoder = MessageDecoder(catalog: flightsCatalog)
let protoBytes = try! protoEncoder.encode(flightsValue, as: responseType)
let generated = try! FlightFinder_FlightFinderResponse(serializedBytes: protoBytes)
precondition(generated.flights.count == 4 && generated.airports.count == 3, "the generated code read a different message")

pendingHeading = "\n(f) protobuf, \(formatBytes(protoBytes.count)) message: ratio = generated median / ours median (target >= 0.5)\n"
let generatedDecode = bench("protobuf decode", "swift-protobuf generated", bytes: protoBytes.count) {
    blackHole(try! FlightFinder_FlightFinderResponse(serializedBytes: protoBytes))
}
let oursDecode = bench("protobuf decode", "ours → Value (descriptors)", bytes: protoBytes.count, baseline: generatedDecode) {
    blackHole(try! protoDecoder.decode(protoBytes, as: responseType))
}
let generatedEncode = bench("protobuf encode", "swift-protobuf generated", bytes: protoBytes.count) {
    let bytes: [UInt8] = try! generated.serializedBytes()
    blackHole(bytes)
}
var protoBuffer: [UInt8] = []
let oursEncode = bench("protobuf encode", "ours Value → (descriptors)", bytes: protoBytes.count, baseline: generatedEncode) {
    protoBuffer.removeAll(keepingCapacity: true)
    try! protoEncoder.encode(flightsValue, as: responseType, into: &protoBuffer)
    blackHole(protoBuffer.count)
}
if let generatedDecode, let oursDecode, let generatedEncode, let oursEncode {
    print("  → speed vs generated: decode \(fixed(generatedDecode.median / oursDecode.median, 2))×, encode \(fixed(generatedEncode.median / oursEncode.median, 2))× (target >= 0.5)")
}

// MARK: - Summary

@MainActor func median(_ label: String, _ impl: String) -> Double? {
    rows.first { $0.label == label && $0.impl == impl }?.stats.median
}

if rows.contains(where: { $0.label.hasPrefix("parse") || $0.label.hasPrefix("serialize") }) {
    print("\nsummary: ours speed-up (Foundation median / ours median)\n")
    print(pad("", 26) + pad("JSONSerialization", 19, right: true) + pad("Codable AnyJSON", 17, right: true) + pad("Codable typed", 15, right: true))
    for name in ["small (\(formatBytes(small.count)))", "5 KB (\(formatBytes(big.count)))", "1 MB (\(formatBytes(large.count)))"] {
        for (op, ours, impls) in [
            ("parse", "ours Value(json:)", ["JSONSerialization", "JSONDecoder → AnyJSON", "JSONDecoder → typed model"]),
            ("serialize", "ours .jsonBytes (sorted)", ["JSONSerialization .sortedKeys", "JSONEncoder AnyJSON .sortedKeys", "JSONEncoder typed .sortedKeys"]),
        ] {
            let label = "\(op) \(name)"
            guard let base = median(label, ours) else { continue }
            let cells = impls.map { impl in median(label, impl).map { fixed($0 / base, 2) + "×" } ?? "—" }
            print(pad(label, 26) + pad(cells[0], 19, right: true) + pad(cells[1], 17, right: true) + pad(cells[2], 15, right: true))
        }
    }
}
