using System.Globalization;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>A <c>security.istio.io</c> PeerAuthentication: the mTLS mode a workload accepts.</summary>
public sealed class PeerAuthentication : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.PeerAuthentication;

    /// <summary>Gets the specification.</summary>
    public required PeerAuthenticationSpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new PeerAuthentication { Metadata = metadata, Spec = Spec };
}

/// <summary>The mutual TLS mode of a PeerAuthentication.</summary>
public enum MutualTlsMode
{
    /// <summary><c>UNSET</c>: inherit from the parent scope.</summary>
    Unset,

    /// <summary><c>DISABLE</c>: plain text only.</summary>
    Disable,

    /// <summary><c>PERMISSIVE</c>: mTLS and plain text.</summary>
    Permissive,

    /// <summary><c>STRICT</c>: mTLS only.</summary>
    Strict,
}

/// <summary>The <c>spec</c> of a PeerAuthentication.</summary>
public sealed class PeerAuthenticationSpec
{
    /// <summary>Gets the pod labels selected (<c>selector.matchLabels</c>); empty applies to the whole namespace.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the mode for every port.</summary>
    /// <value><see langword="null"/> by default.</value>
    public MutualTlsMode? Mode { get; init; }

    /// <summary>Gets per-port modes, keyed by workload port; needs a non-empty <see cref="Selector"/>.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<int, MutualTlsMode> PortLevelMtls { get; init; } = new Dictionary<int, MutualTlsMode>();

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        if (SpecJson.StringMap(Selector) is { } labels)
            spec["selector"] = new JsonObject { ["matchLabels"] = labels };
        if (Mode is { } mode)
            spec["mtls"] = new JsonObject { ["mode"] = SpecJson.WireName(mode) };
        if (PortLevelMtls.Count > 0)
        {
            var ports = new JsonObject();
            foreach (var (port, portMode) in PortLevelMtls.OrderBy(p => p.Key))
                ports[port.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["mode"] = SpecJson.WireName(portMode) };
            spec["portLevelMtls"] = ports;
        }

        return spec;
    }
}
