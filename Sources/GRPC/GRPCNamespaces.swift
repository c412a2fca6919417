/// The `extra_config` namespaces the gRPC module will own: `grpc` (the
/// catalog and the gRPC server) and `backend/grpc` (REST→gRPC backends).
/// Nothing is implemented yet: the gateway reports these as not supported.
public enum GRPCNamespaces {
    public static let all = ["grpc", "backend/grpc"]
}
