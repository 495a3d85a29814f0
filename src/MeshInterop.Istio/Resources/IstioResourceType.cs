namespace MeshInterop.Istio.Resources;

/// <summary>The Kubernetes API version an Istio object is written in; the payload is the same in every version.</summary>
public enum IstioApiVersion
{
    /// <summary><c>v1</c>: served by Istio 1.22 and later for every kind the adapter emits.</summary>
    V1,

    /// <summary><c>v1beta1</c>: the fallback for older control planes (Istio 1.20, where PeerAuthentication has no <c>v1</c>).</summary>
    V1Beta1,
}

/// <summary>An Istio custom resource kind the adapter emits, with its API group and plural resource name.</summary>
public sealed class IstioResourceType
{
    private IstioResourceType(string kind, string group, string plural, string shortName)
    {
        Kind = kind;
        Group = group;
        Plural = plural;
        ShortName = shortName;
    }

    /// <summary>Gets the <c>networking.istio.io</c> ServiceEntry type.</summary>
    public static IstioResourceType ServiceEntry { get; } = new("ServiceEntry", NetworkingGroup, "serviceentries", "se");

    /// <summary>Gets the <c>networking.istio.io</c> WorkloadEntry type.</summary>
    public static IstioResourceType WorkloadEntry { get; } = new("WorkloadEntry", NetworkingGroup, "workloadentries", "we");

    /// <summary>Gets the <c>networking.istio.io</c> DestinationRule type.</summary>
    public static IstioResourceType DestinationRule { get; } = new("DestinationRule", NetworkingGroup, "destinationrules", "dr");

    /// <summary>Gets the <c>networking.istio.io</c> Gateway type.</summary>
    public static IstioResourceType Gateway { get; } = new("Gateway", NetworkingGroup, "gateways", "gw");

    /// <summary>Gets the <c>networking.istio.io</c> VirtualService type.</summary>
    public static IstioResourceType VirtualService { get; } = new("VirtualService", NetworkingGroup, "virtualservices", "vs");

    /// <summary>Gets the <c>security.istio.io</c> PeerAuthentication type.</summary>
    public static IstioResourceType PeerAuthentication { get; } = new("PeerAuthentication", SecurityGroup, "peerauthentications", "pa");

    /// <summary>Gets the <c>security.istio.io</c> AuthorizationPolicy type.</summary>
    public static IstioResourceType AuthorizationPolicy { get; } = new("AuthorizationPolicy", SecurityGroup, "authorizationpolicies", "ap");

    /// <summary>Gets every type the adapter emits, in the order render mode writes them.</summary>
    public static IReadOnlyList<IstioResourceType> All { get; } =
        [AuthorizationPolicy, DestinationRule, Gateway, PeerAuthentication, ServiceEntry, VirtualService, WorkloadEntry];

    /// <summary>Gets the kind, for example <c>ServiceEntry</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the API group, for example <c>networking.istio.io</c>.</summary>
    public string Group { get; }

    /// <summary>Gets the plural resource name used in API paths, for example <c>serviceentries</c>.</summary>
    public string Plural { get; }

    /// <summary>Gets the short name <c>kubectl</c> accepts, for example <c>se</c>.</summary>
    public string ShortName { get; }

    private const string NetworkingGroup = "networking.istio.io";
    private const string SecurityGroup = "security.istio.io";

    /// <summary>Returns the version segment for an API version: <c>v1</c> or <c>v1beta1</c>.</summary>
    /// <param name="version">The API version.</param>
    /// <returns>The version segment.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not a defined value.</exception>
    public static string VersionName(IstioApiVersion version) => version switch
    {
        IstioApiVersion.V1 => "v1",
        IstioApiVersion.V1Beta1 => "v1beta1",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown Istio API version."),
    };

    /// <summary>Returns the <c>apiVersion</c> field value, for example <c>networking.istio.io/v1</c>.</summary>
    /// <param name="version">The API version.</param>
    /// <returns>The group and version joined by a slash.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not a defined value.</exception>
    public string ApiVersion(IstioApiVersion version) => Group + "/" + VersionName(version);

    /// <summary>Finds the type of a kind name.</summary>
    /// <param name="kind">The kind, compared ordinally.</param>
    /// <param name="type">The type when found.</param>
    /// <returns><see langword="true"/> if the adapter emits that kind.</returns>
    public static bool TryFromKind(string? kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IstioResourceType? type)
    {
        type = All.FirstOrDefault(t => string.Equals(t.Kind, kind, StringComparison.Ordinal));
        return type is not null;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind + "." + Group;
}
