using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>
/// A <c>security.istio.io</c> AuthorizationPolicy. Only fields Istio 1.24 knows: no <c>serviceAccounts</c> or
/// <c>trustDomains</c> sources (1.30 only); the adapter selects workloads by labels, never by <c>targetRef</c>.
/// </summary>
public sealed class AuthorizationPolicy : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.AuthorizationPolicy;

    /// <summary>Gets the specification.</summary>
    public required AuthorizationPolicySpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new AuthorizationPolicy { Metadata = metadata, Spec = Spec };
}

/// <summary>What an AuthorizationPolicy does with matching requests.</summary>
public enum AuthorizationAction
{
    /// <summary><c>ALLOW</c>: once any ALLOW policy selects a workload, everything unmatched is denied.</summary>
    Allow,

    /// <summary><c>DENY</c>.</summary>
    Deny,

    /// <summary><c>AUDIT</c>.</summary>
    Audit,

    /// <summary><c>CUSTOM</c>: delegated to an extension provider.</summary>
    Custom,
}

/// <summary>The <c>spec</c> of an AuthorizationPolicy.</summary>
public sealed class AuthorizationPolicySpec
{
    /// <summary>Gets the pod labels selected (<c>selector.matchLabels</c>); empty applies to the whole namespace.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the action.</summary>
    /// <value><see langword="null"/> (Istio assumes <c>ALLOW</c>) by default.</value>
    public AuthorizationAction? Action { get; init; }

    /// <summary>Gets the extension provider name; required with <see cref="AuthorizationAction.Custom"/>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Provider { get; init; }

    /// <summary>Gets the rules; a request matching any rule matches the policy.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<AuthorizationRule> Rules { get; init; } = [];

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        if (SpecJson.StringMap(Selector) is { } labels)
            spec["selector"] = new JsonObject { ["matchLabels"] = labels };
        SpecJson.Set(spec, "action", Action);
        if (!string.IsNullOrEmpty(Provider))
            spec["provider"] = new JsonObject { ["name"] = Provider };
        SpecJson.Set(spec, "rules", SpecJson.List(Rules, r => r.ToJson()));
        return spec;
    }
}

/// <summary>One rule: all of its non-empty parts must match.</summary>
public sealed class AuthorizationRule
{
    /// <summary>Gets the request sources; any may match.</summary>
    /// <value>Empty (any source) by default.</value>
    public IReadOnlyList<AuthorizationSource> From { get; init; } = [];

    /// <summary>Gets the operations; any may match.</summary>
    /// <value>Empty (any operation) by default.</value>
    public IReadOnlyList<AuthorizationOperation> To { get; init; } = [];

    /// <summary>Gets extra conditions; all must match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<AuthorizationCondition> When { get; init; } = [];

    internal JsonObject ToJson()
    {
        var rule = new JsonObject();
        SpecJson.Set(rule, "from", SpecJson.List(From, s => new JsonObject { ["source"] = s.ToJson() }));
        SpecJson.Set(rule, "to", SpecJson.List(To, o => new JsonObject { ["operation"] = o.ToJson() }));
        SpecJson.Set(rule, "when", SpecJson.List(When, c => c.ToJson()));
        return rule;
    }
}

/// <summary>Source attributes of a request; the set fields are ANDed.</summary>
public sealed class AuthorizationSource
{
    /// <summary>Gets the peer identities (<c>td/ns/namespace/sa/account</c>, prefix or suffix <c>*</c> allowed).</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Principals { get; init; } = [];

    /// <summary>Gets the peer identities that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotPrincipals { get; init; } = [];

    /// <summary>Gets the request (JWT) principals.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> RequestPrincipals { get; init; } = [];

    /// <summary>Gets the request (JWT) principals that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotRequestPrincipals { get; init; } = [];

    /// <summary>Gets the peer namespaces.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Gets the peer namespaces that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotNamespaces { get; init; } = [];

    /// <summary>Gets the peer IPs or CIDRs.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> IpBlocks { get; init; } = [];

    /// <summary>Gets the peer IPs or CIDRs that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotIpBlocks { get; init; } = [];

    /// <summary>Gets the original client IPs or CIDRs.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> RemoteIpBlocks { get; init; } = [];

    /// <summary>Gets the original client IPs or CIDRs that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotRemoteIpBlocks { get; init; } = [];

    internal JsonObject ToJson()
    {
        var source = new JsonObject();
        SpecJson.Set(source, "principals", SpecJson.SortedSet(Principals));
        SpecJson.Set(source, "notPrincipals", SpecJson.SortedSet(NotPrincipals));
        SpecJson.Set(source, "requestPrincipals", SpecJson.SortedSet(RequestPrincipals));
        SpecJson.Set(source, "notRequestPrincipals", SpecJson.SortedSet(NotRequestPrincipals));
        SpecJson.Set(source, "namespaces", SpecJson.SortedSet(Namespaces));
        SpecJson.Set(source, "notNamespaces", SpecJson.SortedSet(NotNamespaces));
        SpecJson.Set(source, "ipBlocks", SpecJson.SortedSet(IpBlocks));
        SpecJson.Set(source, "notIpBlocks", SpecJson.SortedSet(NotIpBlocks));
        SpecJson.Set(source, "remoteIpBlocks", SpecJson.SortedSet(RemoteIpBlocks));
        SpecJson.Set(source, "notRemoteIpBlocks", SpecJson.SortedSet(NotRemoteIpBlocks));
        return source;
    }
}

/// <summary>Operation attributes of a request; the set fields are ANDed. Only ports apply to TCP and TLS.</summary>
public sealed class AuthorizationOperation
{
    /// <summary>Gets the hosts (HTTP only).</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Gets the hosts that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotHosts { get; init; } = [];

    /// <summary>Gets the destination ports, as strings.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>Gets the destination ports that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotPorts { get; init; } = [];

    /// <summary>Gets the HTTP methods.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Gets the HTTP methods that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotMethods { get; init; } = [];

    /// <summary>Gets the HTTP paths.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Gets the HTTP paths that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotPaths { get; init; } = [];

    internal JsonObject ToJson()
    {
        var operation = new JsonObject();
        SpecJson.Set(operation, "hosts", SpecJson.SortedSet(Hosts));
        SpecJson.Set(operation, "notHosts", SpecJson.SortedSet(NotHosts));
        SpecJson.Set(operation, "ports", SpecJson.SortedSet(Ports));
        SpecJson.Set(operation, "notPorts", SpecJson.SortedSet(NotPorts));
        SpecJson.Set(operation, "methods", SpecJson.SortedSet(Methods));
        SpecJson.Set(operation, "notMethods", SpecJson.SortedSet(NotMethods));
        SpecJson.Set(operation, "paths", SpecJson.SortedSet(Paths));
        SpecJson.Set(operation, "notPaths", SpecJson.SortedSet(NotPaths));
        return operation;
    }
}

/// <summary>An extra condition on a request attribute, such as <c>connection.sni</c>.</summary>
public sealed class AuthorizationCondition
{
    /// <summary>Gets the attribute name.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the values that match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Gets the values that must not match.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> NotValues { get; init; } = [];

    internal JsonObject ToJson()
    {
        var condition = new JsonObject { ["key"] = Key };
        SpecJson.Set(condition, "values", SpecJson.SortedSet(Values));
        SpecJson.Set(condition, "notValues", SpecJson.SortedSet(NotValues));
        return condition;
    }
}
