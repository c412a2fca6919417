import Foundation
import GraphQL

/// A small GraphQL server (GraphQLSwift executes it): `hero(episode)` with
/// its friends, and the `createReview(episode, review)` mutation, which
/// answers the review it was given.
final class StarWarsGraphQL: Sendable {
    struct Request: Decodable {
        var query: String
        var variables: [String: Map]?
        var operationName: String?
    }

    private let schema: GraphQLSchema

    init() {
        let episode = try! GraphQLEnumType(name: "Episode", values: [
            "NEWHOPE": GraphQLEnumValue(value: "NEWHOPE"), "EMPIRE": GraphQLEnumValue(value: "EMPIRE"), "JEDI": GraphQLEnumValue(value: "JEDI"),
        ])
        let friend = try! GraphQLObjectType(name: "Friend", fields: ["name": GraphQLField(type: GraphQLString)])
        let character = try! GraphQLObjectType(name: "Character", fields: [
            "name": GraphQLField(type: GraphQLString),
            "friends": GraphQLField(type: GraphQLList(friend)),
        ])
        let review = try! GraphQLObjectType(name: "Review", fields: [
            "stars": GraphQLField(type: GraphQLNonNull(GraphQLInt)),
            "commentary": GraphQLField(type: GraphQLString),
        ])
        let reviewInput = try! GraphQLInputObjectType(name: "ReviewInput", fields: [
            "stars": InputObjectField(type: GraphQLNonNull(GraphQLInt)),
            "commentary": InputObjectField(type: GraphQLString),
        ])
        let query = try! GraphQLObjectType(name: "Query", fields: [
            "hero": GraphQLField(type: character, args: ["episode": GraphQLArgument(type: episode)]) { _, args, _, _ in
                Self.heroes[args["episode"].string ?? "NEWHOPE"]
            },
        ])
        let mutation = try! GraphQLObjectType(name: "Mutation", fields: [
            "createReview": GraphQLField(type: review, args: [
                "episode": GraphQLArgument(type: GraphQLNonNull(episode)),
                "review": GraphQLArgument(type: GraphQLNonNull(reviewInput)),
            ]) { _, args, _, _ in
                let given = args["review"].dictionary ?? [:]
                return ["stars": given["stars"]?.int ?? 0, "commentary": given["commentary"]?.string] as [String: (any Sendable)?]
            },
        ])
        schema = try! GraphQLSchema(query: query, mutation: mutation)
    }

    /// The answer to a request body (`{"query", "variables", "operationName"}`), as JSON.
    func answer(_ body: String) async -> String {
        let result: GraphQLResult
        do {
            let request = try JSONDecoder().decode(Request.self, from: Data(body.utf8))
            result = try await graphql(schema: schema, request: request.query, variableValues: request.variables ?? [:],
                                       operationName: request.operationName)
        } catch {
            result = GraphQLResult(errors: [GraphQLError(message: "\(error)")])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(result)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"errors":[{"message":"cannot encode the answer"}]}"#
    }

    private static let heroes: [String: [String: any Sendable]] = [
        "NEWHOPE": ["name": "R2-D2", "friends": [["name": "Luke Skywalker"], ["name": "Han Solo"], ["name": "Leia Organa"]] as [[String: any Sendable]]],
        "EMPIRE": ["name": "Luke Skywalker", "friends": [["name": "Han Solo"], ["name": "Leia Organa"], ["name": "C-3PO"]] as [[String: any Sendable]]],
        "JEDI": ["name": "R2-D2", "friends": [["name": "Luke Skywalker"], ["name": "C-3PO"]] as [[String: any Sendable]]],
    ]
}
