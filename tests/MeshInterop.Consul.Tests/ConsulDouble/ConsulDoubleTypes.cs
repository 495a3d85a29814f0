namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>The server edition the double plays (fault mode g).</summary>
public enum DoubleEdition
{
    Community,
    Enterprise,
}

/// <summary>An ACL access level.</summary>
public enum AclLevel
{
    None,
    Read,
    Write,
}

/// <summary>One prefix rule of a token, like <c>service_prefix "emea-" { policy = "write" }</c>. Resource is node, service, key, session or mesh.</summary>
public sealed record AclRule(string Resource, string Prefix, AclLevel Level)
{
    public static AclRule NodePrefix(string prefix, AclLevel level) => new("node", prefix, level);

    public static AclRule ServicePrefix(string prefix, AclLevel level) => new("service", prefix, level);

    public static AclRule KeyPrefix(string prefix, AclLevel level) => new("key", prefix, level);

    public static AclRule SessionPrefix(string prefix, AclLevel level) => new("session", prefix, level);

    public static AclRule Mesh(AclLevel level) => new("mesh", string.Empty, level);
}

/// <summary>A token of the double's ACL table.</summary>
public sealed record AclToken(string SecretId, string AccessorId, bool IsManagement, IReadOnlyList<AclRule> Rules);

/// <summary>One request the double received, for assertions (never contains a body).</summary>
public sealed record DoubleRequest(string Method, string Path, string Query, string? TokenHeader, long Sequence);

/// <summary>Exact texts of Consul's errors, as listed in the reference.</summary>
public static class ConsulTexts
{
    public const string NoLeader = "No cluster leader";
    public const string ReadRateLimit = "rate limit exceeded, try again later or against a different server";
    public const string WriteRateLimit = "rate limit exceeded for operation that can only be performed by the leader, try again later";
    public const string AclNotFound = "ACL not found";
    public const string PeerNameRegistration = "cannot register requests with PeerName in them";
    public const string InvalidWait = "Invalid wait time";
    public const string InvalidIndex = "Invalid index";
    public const string InvalidPassing = "Invalid value for ?passing";
    public const string StaleAndConsistent = "Cannot specify ?stale with ?consistent, conflicting semantics.";
    public const string NamespaceQueryOnCe = "Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature";
    public const string PartitionQueryOnCe = "Invalid query parameter: \"partition\" - Partitions are a Consul Enterprise feature";
    public const string NamespaceHeaderOnCe = "Invalid header: \"X-Consul-Namespace\" - Namespaces are a Consul Enterprise feature";
    public const string PartitionHeaderOnCe = "Invalid header: \"X-Consul-Partition\" - Partitions are a Consul Enterprise feature";
    public const string ExportedServicesNameOnCe = "exported-services Name must be \"default\"";
    public const string AnonymousAccessorId = "00000000-0000-0000-0000-000000000002";

    public static string TooManyTxnOps(int count) => $"Transaction contains too many operations ({count} > 64)";

    public static string ConfigNotFound(string kind, string name) => $"Config entry not found for \"{kind}\" / \"{name}\"";

    public static string PermissionDenied(string accessorId, string permission, string resource) =>
        $"Permission denied: token with AccessorID '{accessorId}' lacks permission '{permission}' on \"{resource}\"";
}
