import Testing
@testable import GatewayCore

// `encoding: rss` (krakend-rss over gofeed 1.1.3): RSS 2.0, RSS 1.0 (RDF), Atom
// and JSON Feed documents with the maps KrakenD builds from them. Expected
// values were produced by gofeed 1.1.3 itself (Go's item field order aside:
// they are compared as values).

private func feed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value {
    do {
        return .object(try BackendDecoding.rss(Array(text.utf8)))
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

private func expected(_ text: String) -> Value { (try? Value(json: text)) ?? .string("invalid test JSON") }

private let rss2 = """
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Example &amp; Co &#8212; News</title>
  <link>https://example.com/</link>
  <atom:link href="https://example.com/feed" rel="self" type="application/rss+xml"/>
  <description><![CDATA[The <b>best</b> news]]></description>
  <language>en-us</language>
  <copyright>© 2024 Example</copyright>
  <managingEditor>editor@example.com (Jane Editor)</managingEditor>
  <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
  <lastBuildDate>Tue, 10 Jun 2003 09:41:01 +0200</lastBuildDate>
  <category>Tech</category>
  <category domain="x">Science</category>
  <generator>Weblog Editor 2.0</generator>
  <ttl>60</ttl>
  <image><url>https://example.com/logo.png</url><title>Logo</title><link>https://example.com/</link></image>
  <itunes:author>Pod Author</itunes:author>
  <itunes:keywords>a,b, c</itunes:keywords>
  <itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
  <itunes:owner><itunes:name>Owner</itunes:name><itunes:email>o@example.com</itunes:email></itunes:owner>
  <item>
    <title>Star City</title>
    <link>http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp</link>
    <description>How do Americans get ready to work with Russians aboard the International Space Station? They take a crash course in culture, language and protocol at Russia's &lt;a href="http://howe.iki.rssi.ru/GCTC/gctc_e.htm"&gt;Star City&lt;/a&gt;.</description>
    <content:encoded><![CDATA[<p>Full <em>content</em></p>]]></content:encoded>
    <pubDate>Tue, 03 Jun 2003 09:39:21 GMT</pubDate>
    <guid isPermaLink="true">http://liftoff.msfc.nasa.gov/2003/06/03.html#item573</guid>
    <author>jane@example.com (Jane Doe)</author>
    <category>Space</category>
    <enclosure url="http://example.com/a.mp3" length="12216320" type="audio/mpeg" />
    <dc:creator>Someone Else</dc:creator>
    <dc:subject>Orbit</dc:subject>
    <media:content url="http://example.com/v.mp4" medium="video"><media:title>Vid</media:title></media:content>
    <itunes:duration>7:04</itunes:duration>
    <itunes:image href="http://example.com/ep.jpg"/>
    <comments>http://example.com/comments</comments>
    <slash>custom value</slash>
    <Weird>Mixed Case</Weird>
  </item>
  <item>
    <description>Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a &lt;a href="http://science.nasa.gov/headlines/y2003/30may_solareclipse.htm"&gt;partial eclipse of the Sun&lt;/a&gt; on Saturday, May 31st.</description>
    <pubDate>Fri, 30 May 2003 11:06:42 GMT</pubDate>
    <guid>http://liftoff.msfc.nasa.gov/2003/05/30.html#item572</guid>
    <dc:date>2003-05-30T11:06:42+02:00</dc:date>
  </item>
  <item>
    <title>Dates</title>
    <pubDate>Sat, 07 Sep 2002 00:00:01 EST</pubDate>
  </item>
  <item><title>dc only</title><dc:date>2002-09-07T00:00:01-05:00</dc:date><dc:title>DC Title</dc:title><dc:author>dcauthor@example.com</dc:author></item>
  <item><title>mixed cdata</title><description>before <![CDATA[one]]> mid <![CDATA[two]]> after</description></item>
  <item><title>  spaced  </title><description>&nbsp;&eacute;&hellip;&#x27;&#39;&amp;amp;&foo; a &amp b</description></item>
</channel>
</rss>
"""

private let atom = """
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Example Feed</title>
  <subtitle type="html">A &lt;em&gt;lot&lt;/em&gt; of effort</subtitle>
  <link href="http://example.org/"/>
  <link rel="self" href="http://example.org/feed.atom"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <author><name>John Doe</name><email>johndoe@example.com</email></author>
  <author><name>Second</name></author>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <rights>Copyright (c) 2003</rights>
  <logo>http://example.org/logo.png</logo>
  <category term="sports"/>
  <category term="news" label="News"/>
  <generator uri="http://example.org/gen" version="1.0">Gen</generator>
  <entry>
    <title>Atom-Powered Robots Run Amok</title>
    <link href="http://example.org/2003/12/13/atom03"/>
    <link rel="enclosure" type="audio/mpeg" length="1337" href="http://example.org/audio.mp3"/>
    <link rel="related" href="http://example.org/rel"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2003-12-13T18:30:02Z</updated>
    <published>2003-12-13T08:29:29-04:00</published>
    <summary>Some text &amp; more.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>This is <b>xhtml</b> content</p></div></content>
    <author><name>Entry Author</name><uri>http://x</uri></author>
    <category term="robots"/>
  </entry>
  <entry>
    <title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title>
    <id>2</id>
    <updated>2005-07-31T12:29:29Z</updated>
    <content type="html">&lt;p&gt;Escaped &amp;amp; HTML&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>base64</title>
    <content type="application/octet-stream">SGVsbG8gV29ybGQ=</content>
    <summary type="text"><![CDATA[cdata <summary>]]></summary>
  </entry>
</feed>
"""

private let rdf = """
<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.xml.com/xml/news.rss">
    <title>XML.com</title>
    <link>http://xml.com/pub</link>
    <description>XML.com features a rich mix of information and services</description>
    <dc:language>en</dc:language>
    <dc:rights>Copyright 2000</dc:rights>
    <dc:creator>Creator Name (creator@example.com)</dc:creator>
    <dc:date>2000-01-01T12:00+00:00</dc:date>
    <image rdf:resource="http://xml.com/universal/images/xml_tiny.gif" />
  </channel>
  <image rdf:about="http://xml.com/universal/images/xml_tiny.gif">
    <title>XML.com</title>
    <link>http://www.xml.com</link>
    <url>http://xml.com/universal/images/xml_tiny.gif</url>
  </image>
  <item rdf:about="http://xml.com/pub/2000/08/09/xslt/xslt.html">
    <title>Processing Inclusions with XSLT</title>
    <link>http://xml.com/pub/2000/08/09/xslt/xslt.html</link>
    <dc:date>2000-08-09</dc:date>
  </item>
</rdf:RDF>
"""

private let jsonFeed = """
{"version":"https://jsonfeed.org/version/1","title":"My Example Feed","home_page_url":"https://example.org/","feed_url":"https://example.org/feed.json","icon":"https://example.org/icon.png","author":{"name":"Brent Simmons (brent@example.org)"},"items":[{"id":"2","content_text":"This is a second item.","url":"https://example.org/second-item","date_published":"2010-02-07T14:04:00-05:00","tags":["a","b"],"attachments":[{"url":"https://example.org/a.mp3","mime_type":"audio/mpeg","duration_in_seconds":30}]},{"id":"1","content_html":"<p>Hello, world!</p>","url":"https://example.org/initial-post","image":"https://example.org/i.png","date_modified":"2010-02-08T10:00:00Z"}]}
"""

@Suite struct EncodingFeedTests {
    @Test func rss2FeedAsKrakenDMapsIt() {
        #expect(feed(rss2) == expected(#"{"author":{"name":"Jane Editor","email":"editor@example.com"},"categories":["Tech","Science","a","b"," c","Technology","Podcasting"],"copyright":"© 2024 Example","custom":null,"description":"The <b>best</b> news","img_url":"https://example.com/logo.png","items":[{"title":"Star City","description":"How do Americans get ready to work with Russians aboard the International Space Station? They take a crash course in culture, language and protocol at Russia's <a href=\"http://howe.iki.rssi.ru/GCTC/gctc_e.htm\">Star City</a>.","content":"<p>Full <em>content</em></p>","link":"http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp","links":["http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"],"published":"Tue, 03 Jun 2003 09:39:21 GMT","publishedParsed":"2003-06-03T09:39:21Z","author":{"name":"Jane Doe","email":"jane@example.com"},"authors":[{"name":"Jane Doe","email":"jane@example.com"}],"guid":"http://liftoff.msfc.nasa.gov/2003/06/03.html#item573","image":{"url":"http://example.com/ep.jpg"},"categories":["Space","Orbit"],"enclosures":[{"url":"http://example.com/a.mp3","length":"12216320","type":"audio/mpeg"}],"dcExt":{"creator":["Someone Else"],"subject":["Orbit"]},"itunesExt":{"duration":"7:04","image":"http://example.com/ep.jpg"},"extensions":{"dc":{"creator":[{"name":"creator","value":"Someone Else","attrs":{},"children":{}}],"subject":[{"name":"subject","value":"Orbit","attrs":{},"children":{}}]},"itunes":{"duration":[{"name":"duration","value":"7:04","attrs":{},"children":{}}],"image":[{"name":"image","value":"","attrs":{"href":"http://example.com/ep.jpg"},"children":{}}]},"media":{"content":[{"name":"content","value":"","attrs":{"medium":"video","url":"http://example.com/v.mp4"},"children":{"title":[{"name":"title","value":"Vid","attrs":{},"children":{}}]}}]}},"custom":{"slash":"custom value","weird":"Mixed Case"}},{"description":"Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a <a href=\"http://science.nasa.gov/headlines/y2003/30may_solareclipse.htm\">partial eclipse of the Sun</a> on Saturday, May 31st.","published":"Fri, 30 May 2003 11:06:42 GMT","publishedParsed":"2003-05-30T11:06:42Z","guid":"http://liftoff.msfc.nasa.gov/2003/05/30.html#item572","dcExt":{"date":["2003-05-30T11:06:42+02:00"]},"extensions":{"dc":{"date":[{"name":"date","value":"2003-05-30T11:06:42+02:00","attrs":{},"children":{}}]}}},{"title":"Dates","published":"Sat, 07 Sep 2002 00:00:01 EST","publishedParsed":"2002-09-07T00:00:01Z"},{"title":"dc only","published":"2002-09-07T00:00:01-05:00","publishedParsed":"2002-09-07T00:00:01-05:00","author":{"email":"dcauthor@example.com"},"authors":[{"email":"dcauthor@example.com"}],"dcExt":{"title":["DC Title"],"author":["dcauthor@example.com"],"date":["2002-09-07T00:00:01-05:00"]},"extensions":{"dc":{"author":[{"name":"author","value":"dcauthor@example.com","attrs":{},"children":{}}],"date":[{"name":"date","value":"2002-09-07T00:00:01-05:00","attrs":{},"children":{}}],"title":[{"name":"title","value":"DC Title","attrs":{},"children":{}}]}}},{"title":"mixed cdata","description":"onetwo"},{"title":"spaced","description":" é…''&amp;&foo; a &amp b"}],"language":"en-us","published":"Tue, 10 Jun 2003 04:00:00 GMT","title":"Example & Co — News","type":"rss","updated":"Tue, 10 Jun 2003 09:41:01 +0200"}"#))
    }

    @Test func atomFeedAsKrakenDMapsIt() {
        #expect(feed(atom) == expected(#"{"author":{"name":"John Doe","email":"johndoe@example.com"},"categories":["sports","news"],"copyright":"Copyright (c) 2003","custom":null,"description":"A <em>lot</em> of effort","img_url":"http://example.org/logo.png","items":[{"title":"Atom-Powered Robots Run Amok","description":"Some text & more.","content":"<p>This is <b>xhtml</b> content</p>","link":"http://example.org/2003/12/13/atom03","links":["http://example.org/2003/12/13/atom03"],"updated":"2003-12-13T18:30:02Z","updatedParsed":"2003-12-13T18:30:02Z","published":"2003-12-13T08:29:29-04:00","publishedParsed":"2003-12-13T12:29:29Z","author":{"name":"Entry Author"},"authors":[{"name":"Entry Author"}],"guid":"urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a","categories":["robots"],"enclosures":[{"url":"http://example.org/audio.mp3","length":"1337","type":"audio/mpeg"}]},{"title":"<b>Bold</b> title","content":"<p>Escaped &amp; HTML</p>","updated":"2005-07-31T12:29:29Z","updatedParsed":"2005-07-31T12:29:29Z","published":"2005-07-31T12:29:29Z","publishedParsed":"2005-07-31T12:29:29Z","guid":"2"},{"title":"base64","description":"cdata <summary>","content":"Hello World"}],"language":"en","published":"","title":"Example Feed","type":"atom","updated":"2003-12-13T18:30:02Z"}"#))
    }

    @Test func rdfFeedAsKrakenDMapsIt() {
        #expect(feed(rdf) == expected(#"{"author":{"name":"Creator Name","email":"creator@example.com"},"categories":null,"copyright":"Copyright 2000","custom":null,"description":"XML.com features a rich mix of information and services","img_url":"http://xml.com/universal/images/xml_tiny.gif","items":[{"title":"Processing Inclusions with XSLT","link":"http://xml.com/pub/2000/08/09/xslt/xslt.html","links":["http://xml.com/pub/2000/08/09/xslt/xslt.html"],"published":"2000-08-09","publishedParsed":"2000-08-09T00:00:00Z","dcExt":{"date":["2000-08-09"]},"extensions":{"dc":{"date":[{"name":"date","value":"2000-08-09","attrs":{},"children":{}}]}}}],"language":"en","published":"","title":"XML.com","type":"rss","updated":"2000-01-01T12:00+00:00"}"#))
    }

    @Test func jsonFeedAsKrakenDMapsIt() {
        #expect(feed(jsonFeed) == expected(#"{"author":{"name":"Brent Simmons","email":"brent@example.org"},"categories":null,"copyright":"","custom":null,"description":"","img_url":"https://example.org/icon.png","items":[{"content":"This is a second item.","link":"https://example.org/second-item","links":["https://example.org/second-item"],"published":"2010-02-07T14:04:00-05:00","publishedParsed":"2010-02-07T14:04:00-05:00","guid":"2","categories":["a","b"],"enclosures":[{"url":"https://example.org/a.mp3","length":"30","type":"audio/mpeg"}]},{"content":"<p>Hello, world!</p>","link":"https://example.org/initial-post","links":["https://example.org/initial-post"],"updated":"2010-02-08T10:00:00Z","updatedParsed":"2010-02-08T10:00:00Z","guid":"1","image":{"url":"https://example.org/i.png"}}],"language":"","published":"2010-02-07T14:04:00-05:00","title":"My Example Feed","type":"json","updated":""}"#))
    }

    @Test func feedTextQuirksMatchGofeed() {
        let v = feed(#"<rss version="2.0"><channel><title>x</title><item><title>  spaced  </title><description>before <![CDATA[one]]> mid <![CDATA[two]]> after</description><link>&nbsp;&eacute;&hellip;&#x27;&#39;&amp;amp;&foo; a &amp b</link><guid>AT&amp;T &#150;</guid></item></channel></rss>"#)
        let item = v["items"]?.arrayValue?.first
        #expect(item?["title"] == .string("spaced"))
        #expect(item?["description"] == .string("onetwo"))
        #expect(item?["link"] == .string("\u{A0}é…''&amp;&foo; a &amp b"))
        #expect(item?["guid"] == .string("AT&T \u{2013}"))
    }

    @Test func atomXHTMLContentLosesItsWrappingDiv() {
        let v = feed(#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">It's "quoted" &amp; <b class='x'>bold</b><br/></div></title><entry><content type="xhtml">text <div>inside</div> tail</content></entry></feed>"#)
        #expect(v["title"] == .string("It&#39;s &#34;quoted&#34; &amp; <b class=\"x\">bold</b><br/>"))
        #expect(v["items"]?.arrayValue?.first?["content"] == .string("inside"))
    }

    @Test func feedDatesFollowGofeed() {
        let cases: [(String, String?)] = [
            ("Mon, 02 Jan 2006 15:04:05 MST", "2006-01-02T15:04:05Z"),
            ("Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z"),
            ("Mon, 2 Jan 2006 15:04:05 +0530", "2006-01-02T09:34:05Z"),
            ("2006-01-02T15:04:05.123456789+01:00", "2006-01-02T14:04:05.123456789Z"),
            ("2006-01-02", "2006-01-02T00:00:00Z"),
            ("Monday, 02-Jan-06 15:04:05 PST", "2006-01-02T15:04:05Z"),
            ("Mon Jan  2 15:04:05 2006", "2006-01-02T15:04:05Z"),
            ("Mon, 02 Jan 2006 15:04:05 GMT+3", "2006-01-02T15:04:05Z"),
            ("January 2, 2006, 3:04 p.m.", "2006-01-02T03:04:00Z"),
            ("Mon, 02 Jan 2006 12:04:05 AM MST", "2006-01-02T07:04:05Z"),
            ("Mon, 29 Feb 2005 12:00:00 +0000", nil),
            ("Mon, 02 Jan 2006 24:00:00 +0000", nil),
            ("not a date", nil),
        ]
        for (text, utc) in cases {
            let v = feed("<rss><channel><item><pubDate>\(text)</pubDate></item></channel></rss>")
            #expect(v["items"]?.arrayValue?.first?["publishedParsed"] == utc.map(Value.string), "\(text)")
        }
        // Dublin Core dates keep their zone; named zones LoadLocation knows are applied.
        #expect(FeedDate.parse("2003-05-30T11:06:42+02:00").map(FeedDate.rfc3339Nano) == "2003-05-30T11:06:42+02:00")
        #expect(FeedDate.parse("Mon, Jan 2, 2006 15:04 EST").map(FeedDate.rfc3339Nano) == "2006-01-02T15:04:00-05:00")
        #expect(FeedDate.parse("Mon, 02 Jan 2006 15:04:05 GMT-11").map(FeedDate.rfc3339Nano) == "2006-01-02T04:04:05-11:00")
    }

    @Test func authorsAreParsedLikeGofeed() {
        let cases: [(String, String, String)] = [
            ("jane@example.com (Jane Doe)", "Jane Doe", "jane@example.com"),
            ("Jane Doe (jane@example.com)", "Jane Doe", "jane@example.com"),
            ("Jane Doe", "Jane Doe", ""),
            ("jane@example.com", "", "jane@example.com"),
            ("a (b) (c@d)", "a (b)", "c@d"),
            ("@@", "", ""),
        ]
        for (text, name, email) in cases {
            let r = FeedPeople.parseNameAddress(text)
            #expect(r.name == name && r.address == email, "\(text)")
        }
    }

    @Test func malformedFeedsAreErrors() {
        let cases = [
            "", "plain text", "<html><body>not a feed</body></html>", "<rss><channel><title>trunc",
            #"<rss version="2.0"><channel><item><enclosure url="u"><b>x</b></enclosure></item></channel></rss>"#,
            #"<rss version="2.0"><channel><item><encoded>unprefixed</encoded></item></channel></rss>"#,
            #"{"items": "x"}"#, "{not json",
        ]
        for text in cases {
            #expect(throws: BackendDecodingError.self, "\(text)") { try BackendDecoding.rss(Array(text.utf8)) }
        }
    }

    @Test func hugeAndDeepFeedsAreBounded() throws {
        let items = String(repeating: "<item><title>t</title><link>http://x/</link></item>", count: 5_000)
        let v = try BackendDecoding.rss(Array("<rss><channel>\(items)</channel></rss>".utf8))
        #expect(v["items"]?.arrayValue?.count == 5_000)
        let deep = "<rss><channel><item><x:deep xmlns:x=\"u\">" + String(repeating: "<x:a>", count: 50_000) + "</x:deep></item></channel></rss>"
        #expect(throws: BackendDecodingError.self) { try BackendDecoding.rss(Array(deep.utf8)) }
    }
}
