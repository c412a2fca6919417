import Testing

@testable import GatewayCore

/// A router whose handler is "METHOD path", so a match names its route.
private func makeRouter(
    _ routes: [(String, String)], disableREST: Bool = false
) throws -> Router<String> {
    var router = Router<String>(disableREST: disableREST)
    for (method, path) in routes {
        try router.add(method: method, path: path, handler: "\(method) \(path)")
    }
    return router
}

/// The matched route and its params as `name=value`, or nil.
private func hit(_ match: RouteMatch<String>) -> (route: String, params: [String])? {
    guard case .found(let handler, let params) = match else { return nil }
    return (handler, params.map { "\($0.name)=\($0.value)" })
}

private func redirect(_ match: RouteMatch<String>) -> (location: String, status: Int)? {
    guard case .redirect(let location, let status) = match else { return nil }
    return (location, status)
}

private func isNotFound(_ match: RouteMatch<String>) -> Bool {
    if case .notFound = match { return true }
    return false
}

private func allowed(_ match: RouteMatch<String>) -> [String]? {
    guard case .methodNotAllowed(let allowed) = match else { return nil }
    return allowed
}

private func addError(_ router: inout Router<String>, _ method: String, _ path: String) -> RouteError? {
    do {
        try router.add(method: method, path: path, handler: path)
        return nil
    } catch {
        return error
    }
}

@Suite("Router")
struct RouterTests {

    // MARK: Static routes

    @Test func staticRoutes() throws {
        let router = try makeRouter([("GET", "/"), ("GET", "/foo"), ("GET", "/foo/bar"), ("GET", "/foo/bar/")])
        #expect(hit(router.lookup(method: "GET", path: "/"))?.route == "GET /")
        #expect(hit(router.lookup(method: "GET", path: "/foo"))?.route == "GET /foo")
        #expect(hit(router.lookup(method: "GET", path: "/foo/bar"))?.route == "GET /foo/bar")
        #expect(hit(router.lookup(method: "GET", path: "/foo/bar/"))?.route == "GET /foo/bar/")
        #expect(hit(router.lookup(method: "GET", path: "/foo"))?.params == [])
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/baz")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/bar/baz")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/fo")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/fooo")))
    }

    @Test func rootOnly() throws {
        let router = try makeRouter([("GET", "/")])
        #expect(hit(router.lookup(method: "GET", path: "/"))?.route == "GET /")
        #expect(isNotFound(router.lookup(method: "GET", path: "")))
        #expect(isNotFound(router.lookup(method: "GET", path: "*")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/x")))
        // A request for the root is never redirected, as in gin.
        let other = try makeRouter([("GET", "/foo")])
        #expect(isNotFound(other.lookup(method: "GET", path: "/")))
    }

    @Test func pathsWithoutLeadingSlashNeverMatch() throws {
        let router = try makeRouter([("GET", "/foo")])
        #expect(isNotFound(router.lookup(method: "GET", path: "foo")))
    }

    // MARK: Variables

    @Test func singleVariable() throws {
        let router = try makeRouter([("GET", "/user/{id}")])
        #expect(hit(router.lookup(method: "GET", path: "/user/123"))?.params == ["id=123"])
        #expect(hit(router.lookup(method: "GET", path: "/user/A-B-C"))?.params == ["id=A-B-C"])
        // One segment only, and never empty (manual: "it won't take /user/1/2").
        #expect(isNotFound(router.lookup(method: "GET", path: "/user/1/2")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/user/")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/user")))
    }

    @Test func severalVariablesInOrder() throws {
        let router = try makeRouter([("GET", "/v1/{domain}/user/{userid}/some/{x}")])
        let match = hit(router.lookup(method: "GET", path: "/v1/example.com/user/42/some/z"))
        #expect(match?.params == ["domain=example.com", "userid=42", "x=z"])
    }

    @Test func variableNamesAreReturnedAsDeclared() throws {
        let router = try makeRouter([("GET", "/a/{UserID}/{snake_case-name}")])
        #expect(hit(router.lookup(method: "GET", path: "/a/1/2"))?.params == ["UserID=1", "snake_case-name=2"])
    }

    @Test func ginStyleVariablesAreAccepted() throws {
        let router = try makeRouter([("GET", "/user/:id/posts/{post}")])
        #expect(hit(router.lookup(method: "GET", path: "/user/7/posts/9"))?.params == ["id=7", "post=9"])
    }

    @Test func emptySegmentIsNotAVariable() throws {
        let router = try makeRouter([("GET", "/a/{b}/c")])
        #expect(hit(router.lookup(method: "GET", path: "/a/x/c"))?.params == ["b=x"])
        #expect(isNotFound(router.lookup(method: "GET", path: "/a//c")))
    }

    // MARK: Methods

    @Test func methodsRouteSeparately() throws {
        let router = try makeRouter([("GET", "/v1/users/{user}"), ("POST", "/v1/users/{user}"), ("delete", "/v1/x")])
        #expect(hit(router.lookup(method: "GET", path: "/v1/users/1"))?.route == "GET /v1/users/{user}")
        #expect(hit(router.lookup(method: "POST", path: "/v1/users/1"))?.route == "POST /v1/users/{user}")
        // Methods are upper-cased when added, compared exactly when routing.
        #expect(hit(router.lookup(method: "DELETE", path: "/v1/x"))?.route == "delete /v1/x")
        #expect(allowed(router.lookup(method: "delete", path: "/v1/x")) == ["DELETE"])
    }

    @Test func methodNotAllowedListsOtherMethodsInRegistrationOrder() throws {
        let router = try makeRouter([
            ("PUT", "/items/{id}"), ("GET", "/items/{id}"), ("DELETE", "/items/{id}"), ("POST", "/items"),
        ])
        #expect(allowed(router.lookup(method: "PATCH", path: "/items/3")) == ["PUT", "GET", "DELETE"])
        #expect(allowed(router.lookup(method: "GET", path: "/items")) == ["POST"])
        #expect(isNotFound(router.lookup(method: "PATCH", path: "/nothing")))
        #expect(router.allowedMethods(path: "/items/3") == ["PUT", "GET", "DELETE"])
        #expect(router.allowedMethods(path: "/nothing") == [])
    }

    @Test func methodNotAllowedCanBeDisabled() throws {
        var router = try makeRouter([("GET", "/items")])
        router.handleMethodNotAllowed = false
        #expect(isNotFound(router.lookup(method: "POST", path: "/items")))
    }

    @Test func invalidMethodIsRefused() {
        var router = Router<String>()
        #expect(addError(&router, "", "/a") == .invalidMethod(method: "", path: "/a"))
        #expect(addError(&router, "GE T", "/a") == .invalidMethod(method: "GE T", path: "/a"))
    }

    // MARK: Collisions

    @Test func manualCollisionDifferentVariableNames() throws {
        var router = try makeRouter([("GET", "/user/{userid}")])
        let error = try #require(addError(&router, "GET", "/user/{iduser}/some"))
        #expect(
            error
                == .conflictingVariables(
                    path: "/user/{iduser}/some", segment: "{iduser}", existingPath: "/user/{userid}",
                    existingSegment: "{userid}"))
        #expect(error.description.contains("/user/{iduser}/some"))
        #expect(error.description.contains("/user/{userid}"))
    }

    @Test func manualCollisionNestedVariables() throws {
        var router = try makeRouter([("GET", "/v1/{domain}/user/{userid}")])
        let error = try #require(addError(&router, "GET", "/v1/{domain}/user/{iduser}/some"))
        #expect(error.description.contains("/v1/{domain}/user/{iduser}/some"))
        #expect(error.description.contains("/v1/{domain}/user/{userid}"))
    }

    @Test func collisionIsDetectedInEitherOrder() throws {
        var router = try makeRouter([("GET", "/user/{iduser}/some")])
        #expect(addError(&router, "GET", "/user/{userid}") != nil)
        var longer = try makeRouter([("GET", "/user/{name}")])
        // gin: `:name` and `:names` are different names too.
        #expect(addError(&longer, "GET", "/user/{names}/x") != nil)
    }

    @Test func manualAllowedSameVariableNames() throws {
        let router = try makeRouter([
            ("GET", "/user/{userid}"), ("GET", "/user/{userid}/some"),
            ("GET", "/v1/{domain}/user/{userid}"), ("GET", "/v1/{domain}/user/{userid}/some"),
        ])
        #expect(hit(router.lookup(method: "GET", path: "/user/5/some"))?.params == ["userid=5"])
        #expect(
            hit(router.lookup(method: "GET", path: "/v1/d/user/5/some"))?.route == "GET /v1/{domain}/user/{userid}/some")
        #expect(hit(router.lookup(method: "GET", path: "/v1/d/user/5"))?.params == ["domain=d", "userid=5"])
    }

    @Test func collisionsAreCheckedPerMethod() throws {
        // gin keeps one tree per method, so these coexist in KrakenD.
        let router = try makeRouter([("GET", "/user/{userid}"), ("POST", "/user/{iduser}/some")])
        #expect(hit(router.lookup(method: "GET", path: "/user/1"))?.params == ["userid=1"])
        #expect(hit(router.lookup(method: "POST", path: "/user/1/some"))?.params == ["iduser=1"])
    }

    @Test func staticAndVariableSiblingsStaticWins() throws {
        let router = try makeRouter([("GET", "/user/{id}"), ("GET", "/user/new"), ("GET", "/user/{id}/profile")])
        #expect(hit(router.lookup(method: "GET", path: "/user/new"))?.route == "GET /user/new")
        #expect(hit(router.lookup(method: "GET", path: "/user/newer"))?.params == ["id=newer"])
        #expect(hit(router.lookup(method: "GET", path: "/user/ne"))?.params == ["id=ne"])
        // The static branch dead-ends, so the variable takes over (gin >= 1.8).
        #expect(hit(router.lookup(method: "GET", path: "/user/new/profile"))?.params == ["id=new"])
    }

    @Test func staticSiblingAddedAfterVariableAndDeeper() throws {
        let router = try makeRouter([
            ("GET", "/{a}/b/{c}"), ("GET", "/x/b/y"), ("GET", "/x/{q}"),
        ])
        #expect(hit(router.lookup(method: "GET", path: "/x/b/y"))?.route == "GET /x/b/y")
        #expect(hit(router.lookup(method: "GET", path: "/x/b/z"))?.params == ["a=x", "c=z"])
        #expect(hit(router.lookup(method: "GET", path: "/x/b"))?.params == ["q=b"])
    }

    @Test func duplicateRoutes() throws {
        var router = try makeRouter([("GET", "/user/{id}"), ("GET", "/a")])
        #expect(addError(&router, "GET", "/a") == .duplicateRoute(method: "GET", path: "/a"))
        #expect(addError(&router, "get", "/user/:id") == .duplicateRoute(method: "GET", path: "/user/:id"))
        #expect(addError(&router, "POST", "/a") == nil)
        #expect(RouteError.duplicateRoute(method: "GET", path: "/a").description.contains("'/a'"))
    }

    @Test func failedAddLeavesRouterUnchanged() throws {
        var router = try makeRouter([("GET", "/user/{userid}")])
        #expect(addError(&router, "GET", "/user/{iduser}/some/deeper") != nil)
        #expect(isNotFound(router.lookup(method: "GET", path: "/user/1/some/deeper")))
        #expect(router.routes.count == 1)
        try router.add(method: "GET", path: "/user/{userid}/some/deeper", handler: "ok")
        #expect(hit(router.lookup(method: "GET", path: "/user/1/some/deeper"))?.route == "ok")
        #expect(router.routes.map(\.path) == ["/user/{userid}", "/user/{userid}/some/deeper"])
    }

    // MARK: Invalid patterns

    @Test func invalidPatterns() {
        var router = Router<String>()
        for path in ["", "foo", "/a/{}", "/a/{b", "/a/b}", "/a/{b}}", "/a/{a}/{a}", "/a/{b.c}", "/a/*rest", "/a?x=1",
            "/a/:"]
        {
            guard case .invalidPath(let reported, _)? = addError(&router, "GET", path) else {
                Issue.record("expected invalidPath for '\(path)'")
                continue
            }
            #expect(reported == path)
        }
        #expect(router.routes.isEmpty)
    }

    // MARK: disable_rest

    @Test func nonRESTfulPatternNeedsDisableREST() {
        var router = Router<String>()
        let error = addError(&router, "GET", "/file.{extension}")
        #expect(error == .disableRESTRequired(path: "/file.{extension}", segment: "file.{extension}"))
        #expect(error?.description.contains("disable_rest") == true)
        #expect(error?.description.contains("/file.{extension}") == true)
        #expect(addError(&router, "GET", "/foo/{var}/file.{extension}") != nil)
        #expect(addError(&router, "GET", "/a/{b}-{c}") != nil)
    }

    @Test func disableRESTManualExample() throws {
        let router = try makeRouter([("GET", "/foo/{var}/file.{extension}")], disableREST: true)
        #expect(hit(router.lookup(method: "GET", path: "/foo/abc/file.json"))?.params == ["var=abc", "extension=json"])
        // A trailing variable takes the rest of the segment, as gin's `/file.:ext`.
        #expect(hit(router.lookup(method: "GET", path: "/foo/abc/file.tar.gz"))?.params == ["var=abc", "extension=tar.gz"])
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/abc/file.")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/abc/other.json")))
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/abc/file.json/x")))
    }

    @Test func disableRESTStillAcceptsRESTfulRoutes() throws {
        let router = try makeRouter([("GET", "/user/{id}"), ("GET", "/static")], disableREST: true)
        #expect(hit(router.lookup(method: "GET", path: "/user/1"))?.params == ["id=1"])
        #expect(hit(router.lookup(method: "GET", path: "/static"))?.route == "GET /static")
    }

    @Test func mixedSegmentsShortestRunFirst() throws {
        let router = try makeRouter(
            [("GET", "/a/{name}.{ext}"), ("GET", "/b/{name}.json"), ("GET", "/c/v{major}.{minor}-{tag}")],
            disableREST: true)
        #expect(hit(router.lookup(method: "GET", path: "/a/x.tar.gz"))?.params == ["name=x", "ext=tar.gz"])
        // The variable grows until the rest of the segment matches.
        #expect(hit(router.lookup(method: "GET", path: "/b/a.b.json"))?.params == ["name=a.b"])
        #expect(isNotFound(router.lookup(method: "GET", path: "/b/.json")))
        #expect(
            hit(router.lookup(method: "GET", path: "/c/v1.22-rc-1"))?.params == ["major=1", "minor=22", "tag=rc-1"])
        #expect(isNotFound(router.lookup(method: "GET", path: "/c/v1.22")))
    }

    @Test func mixedSegmentsWithRepeatedSeparators() throws {
        let router = try makeRouter([("GET", "/m/{a}.{b}.{c}.json")], disableREST: true)
        #expect(hit(router.lookup(method: "GET", path: "/m/1..2.3.json"))?.params == ["a=1", "b=.2", "c=3"])
        #expect(hit(router.lookup(method: "GET", path: "/m/1.2.3.4.json"))?.params == ["a=1", "b=2", "c=3.4"])
        #expect(isNotFound(router.lookup(method: "GET", path: "/m/1.2.json")))
        // Long hostile segments are matched in one pass.
        let dots = String(repeating: "1.", count: 20_000)
        #expect(hit(router.lookup(method: "GET", path: "/m/" + dots + "json"))?.params.count == 3)
        #expect(isNotFound(router.lookup(method: "GET", path: "/m/" + dots + "xml")))
    }

    @Test func mixedSegmentPriorities() throws {
        let router = try makeRouter(
            [("GET", "/f/{name}"), ("GET", "/f/file.{ext}"), ("GET", "/f/file.txt"), ("GET", "/f/{base}.txt")],
            disableREST: true)
        #expect(hit(router.lookup(method: "GET", path: "/f/file.txt"))?.route == "GET /f/file.txt")
        // More literal text is more specific: `file.{ext}` before `{base}.txt`.
        #expect(hit(router.lookup(method: "GET", path: "/f/file.md"))?.params == ["ext=md"])
        #expect(hit(router.lookup(method: "GET", path: "/f/notes.txt"))?.params == ["base=notes"])
        #expect(hit(router.lookup(method: "GET", path: "/f/readme"))?.params == ["name=readme"])
    }

    @Test func mixedSegmentCollisions() throws {
        var router = try makeRouter([("GET", "/f/file.{ext}")], disableREST: true)
        let error = addError(&router, "GET", "/f/file.{kind}/x")
        #expect(
            error
                == .conflictingVariables(
                    path: "/f/file.{kind}/x", segment: "file.{kind}", existingPath: "/f/file.{ext}",
                    existingSegment: "file.{ext}"))
        #expect(addError(&router, "GET", "/f/file.{ext}/meta") == nil)
        #expect(addError(&router, "GET", "/f/file.{ext}") == .duplicateRoute(method: "GET", path: "/f/file.{ext}"))
        #expect(addError(&router, "GET", "/f/{a}{b}") != nil)
        #expect(hit(router.lookup(method: "GET", path: "/f/file.png/meta"))?.params == ["ext=png"])
    }

    // MARK: Trailing slash redirect

    @Test func trailingSlashRedirects() throws {
        let router = try makeRouter([("GET", "/foo"), ("POST", "/foo"), ("GET", "/bar/"), ("GET", "/user/{id}")])
        #expect(redirect(router.lookup(method: "GET", path: "/foo/"))! == ("/foo", 301))
        #expect(redirect(router.lookup(method: "POST", path: "/foo/"))! == ("/foo", 307))
        #expect(redirect(router.lookup(method: "GET", path: "/bar"))! == ("/bar/", 301))
        #expect(redirect(router.lookup(method: "GET", path: "/user/5/"))! == ("/user/5", 301))
        // Only within the request's method: there is no PUT route at all.
        #expect(isNotFound(router.lookup(method: "PUT", path: "/foo/")))
    }

    @Test func headAndOtherMethodsRedirectWith307() throws {
        let router = try makeRouter([("HEAD", "/foo"), ("CONNECT", "/foo")])
        #expect(redirect(router.lookup(method: "HEAD", path: "/foo/"))! == ("/foo", 307))
        // gin never redirects CONNECT.
        #expect(allowed(router.lookup(method: "CONNECT", path: "/foo/")) == nil)
        #expect(isNotFound(router.lookup(method: "CONNECT", path: "/foo/")))
    }

    @Test func trailingSlashRedirectOnlyWithFixedPathAlsoDisabled() throws {
        // As the schema says: disabling the trailing-slash redirect only takes
        // effect with `disable_redirect_fixed_path` too, because gin's
        // fixed-path lookup also fixes trailing slashes.
        var router = try makeRouter([("GET", "/foo")])
        router.redirectTrailingSlash = false
        #expect(redirect(router.lookup(method: "GET", path: "/foo/"))! == ("/foo", 301))
        router.redirectFixedPath = false
        #expect(isNotFound(router.lookup(method: "GET", path: "/foo/")))
    }

    // MARK: Fixed path redirect

    @Test func fixedPathRedirects() throws {
        let router = try makeRouter([("GET", "/foo"), ("GET", "/bar"), ("GET", "/user/{id}/Profile"), ("PUT", "/x/y")])
        #expect(redirect(router.lookup(method: "GET", path: "/FOO"))! == ("/foo", 301))
        #expect(redirect(router.lookup(method: "GET", path: "//foo/../bar"))! == ("/bar", 301))
        #expect(redirect(router.lookup(method: "GET", path: "/./foo"))! == ("/foo", 301))
        #expect(redirect(router.lookup(method: "GET", path: "/Foo/"))! == ("/foo", 301))
        #expect(redirect(router.lookup(method: "GET", path: "/..//Foo"))! == ("/foo", 301))
        // Variable values keep the client's spelling.
        #expect(redirect(router.lookup(method: "GET", path: "/USER/AbC/profile"))! == ("/user/AbC/Profile", 301))
        #expect(redirect(router.lookup(method: "PUT", path: "/X//Y"))! == ("/x/y", 307))
        #expect(isNotFound(router.lookup(method: "GET", path: "/FOOO")))
        // Not across methods: no GET route is spelled like this.
        #expect(isNotFound(router.lookup(method: "POST", path: "/FOO")))
    }

    @Test func fixedPathPrefersExactSpellingThenAnyCase() throws {
        let router = try makeRouter([("GET", "/a/B/c"), ("GET", "/a/b/d")])
        #expect(redirect(router.lookup(method: "GET", path: "/A/b/C"))! == ("/a/B/c", 301))
        #expect(redirect(router.lookup(method: "GET", path: "/A/B/D"))! == ("/a/b/d", 301))
    }

    @Test func fixedPathWithMixedSegments() throws {
        let router = try makeRouter([("GET", "/files/Doc.{ext}")], disableREST: true)
        #expect(redirect(router.lookup(method: "GET", path: "/FILES/doc.PDF"))! == ("/files/Doc.PDF", 301))
    }

    @Test func fixedPathCanBeDisabled() throws {
        var router = try makeRouter([("GET", "/foo")])
        router.redirectFixedPath = false
        #expect(isNotFound(router.lookup(method: "GET", path: "/FOO")))
        #expect(isNotFound(router.lookup(method: "GET", path: "//foo")))
        // The trailing-slash redirect still works on its own.
        #expect(redirect(router.lookup(method: "GET", path: "/foo/"))! == ("/foo", 301))
    }

    @Test func redirectComesBeforeMethodNotAllowed() throws {
        let router = try makeRouter([("GET", "/foo"), ("POST", "/foo/")])
        #expect(redirect(router.lookup(method: "GET", path: "/foo/"))! == ("/foo", 301))
        #expect(allowed(router.lookup(method: "PUT", path: "/foo/")) == ["POST"])
    }

    @Test func removeExtraSlash() throws {
        var router = try makeRouter([("GET", "/a/{b}")])
        router.redirectFixedPath = false
        #expect(isNotFound(router.lookup(method: "GET", path: "//a///x")))
        router.removeExtraSlash = true
        #expect(hit(router.lookup(method: "GET", path: "//a///x"))?.params == ["b=x"])
        #expect(hit(router.lookup(method: "GET", path: "/a/y/../x"))?.params == ["b=x"])
        #expect(hit(router.lookup(method: "GET", path: "/a/x"))?.params == ["b=x"])
    }

    // MARK: Encoded segments

    @Test func encodedValuesAreRawByDefault() throws {
        let router = try makeRouter([("GET", "/user/{id}")])
        #expect(hit(router.lookup(method: "GET", path: "/user/a%20b"))?.params == ["id=a%20b"])
        // An encoded slash stays inside its segment.
        #expect(hit(router.lookup(method: "GET", path: "/user/a%2Fb"))?.params == ["id=a%2Fb"])
        #expect(hit(router.lookup(method: "GET", path: "/user/caf%C3%A9"))?.params == ["id=caf%C3%A9"])
    }

    @Test func decodePathDecodesValues() throws {
        var router = try makeRouter([("GET", "/user/{id}/{rest}")])
        router.decodePath = true
        #expect(hit(router.lookup(method: "GET", path: "/user/a%20b/c+d"))?.params == ["id=a b", "rest=c+d"])
        #expect(hit(router.lookup(method: "GET", path: "/user/a%2Fb/caf%C3%A9"))?.params == ["id=a/b", "rest=café"])
        // Malformed escapes are left as sent.
        #expect(hit(router.lookup(method: "GET", path: "/user/%zz/100%"))?.params == ["id=%zz", "rest=100%"])
    }

    @Test func encodedStaticSegmentsMatchTheirDecodedSpelling() throws {
        let router = try makeRouter([("GET", "/user/{id}"), ("GET", "/café")])
        #expect(hit(router.lookup(method: "GET", path: "/us%65r/1"))?.params == ["id=1"])
        #expect(hit(router.lookup(method: "GET", path: "/caf%C3%A9"))?.route == "GET /café")
        #expect(hit(router.lookup(method: "GET", path: "/café"))?.route == "GET /café")
    }

    // MARK: Scale

    @Test func veryLongPaths() throws {
        let deep = "/" + (0..<200).map { "s\($0)" }.joined(separator: "/") + "/{last}"
        let router = try makeRouter([("GET", deep), ("GET", "/v/{value}")])
        let value = String(repeating: "x", count: 100_000)
        #expect(router.lookup(method: "GET", path: "/v/" + value).params.first?.value.count == 100_000)
        let request = "/" + (0..<200).map { "s\($0)" }.joined(separator: "/") + "/end"
        #expect(hit(router.lookup(method: "GET", path: request))?.params == ["last=end"])
        let tooDeep = "/v" + String(repeating: "/x", count: 50_000)
        #expect(isNotFound(router.lookup(method: "GET", path: tooDeep)))
        #expect(isNotFound(router.lookup(method: "GET", path: String(repeating: "/", count: 10_000))))
    }

    @Test func manyRoutes() throws {
        var router = Router<Int>()
        var index = 0
        for group in 0..<50 {
            for item in 0..<40 {
                try router.add(method: "GET", path: "/api/g\(group)/item\(item)", handler: index)
                index += 1
            }
            try router.add(method: "GET", path: "/api/g\(group)/{id}", handler: index)
            index += 1
            try router.add(method: "POST", path: "/api/g\(group)/{id}/sub/{sub}", handler: index)
            index += 1
        }
        #expect(router.routes.count == 50 * 42)
        var expected = 0
        for group in 0..<50 {
            for item in 0..<40 {
                #expect(router.lookup(method: "GET", path: "/api/g\(group)/item\(item)").handler == expected)
                expected += 1
            }
            let param = router.lookup(method: "GET", path: "/api/g\(group)/other")
            #expect(param.handler == expected)
            #expect(param.params.map(\.value) == ["other"])
            expected += 1
            let sub = router.lookup(method: "POST", path: "/api/g\(group)/1/sub/2")
            #expect(sub.handler == expected)
            #expect(sub.params.map(\.name) == ["id", "sub"])
            expected += 1
        }
        #expect(router.lookup(method: "GET", path: "/api/g99/item1").handler == nil)
    }

    @Test func substringLookup() throws {
        let router = try makeRouter([("GET", "/user/{id}"), ("GET", "/foo")])
        let target = "/user/42?verbose=1"
        let path = target[..<target.firstIndex(of: "?")!]
        #expect(hit(router.lookup(method: "GET", path: path))?.params == ["id=42"])
        let other = "/FOO?x"
        #expect(redirect(router.lookup(method: "GET", path: other[..<other.firstIndex(of: "?")!]))! == ("/foo", 301))
    }

    @Test func concurrentLookups() async throws {
        let router = try makeRouter([("GET", "/user/{id}"), ("GET", "/user/new")])
        await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    (0..<1000).allSatisfy { j in
                        router.lookup(method: "GET", path: "/user/\(i * j)").params.first?.value == "\(i * j)"
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    // MARK: Helpers

    @Test func cleanPathMatchesHttprouter() {
        let cases: [(String, String)] = [
            ("", "/"), ("/", "/"), ("abc", "/abc"), ("//abc", "/abc"), ("//abc//", "/abc/"),
            ("abc//def//ghi", "/abc/def/ghi"), ("abc/./def", "/abc/def"), ("abc/.", "/abc/"),
            ("abc/def/ghi/../jkl", "/abc/def/jkl"), ("abc/def/..", "/abc"), ("abc/def/../..", "/"),
            ("/abc/def/../../..", "/"), ("abc/def/../../../ghi/jkl/../../../mno", "/mno"), ("/...", "/..."),
        ]
        for (input, output) in cases {
            #expect(PathBytes.cleanPath(input) == output, "cleanPath(\(input))")
            #expect(PathBytes.needsCleaning(input) == (input != output), "needsCleaning(\(input))")
        }
    }
}
