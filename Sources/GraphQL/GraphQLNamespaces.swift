/// The `extra_config` namespace the GraphQL module will own. Nothing is
/// implemented yet: the gateway reports it as not supported.
public enum GraphQLNamespaces {
    public static let all = ["backend/graphql"]
}
