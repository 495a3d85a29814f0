using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>A <c>networking.istio.io</c> VirtualService, limited to the TLS and TCP routes the adapter uses.</summary>
public sealed class VirtualService : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.VirtualService;

    /// <summary>Gets the specification.</summary>
    public required VirtualServiceSpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new VirtualService { Metadata = metadata, Spec = Spec };
}

/// <summary>The <c>spec</c> of a VirtualService (TLS and TCP routing only).</summary>
public sealed class VirtualServiceSpec
{
    /// <summary>Gets the hosts the routes apply to, written sorted.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Gets the gateways (<c>namespace/name</c>, or <c>mesh</c> for sidecars), written sorted.</summary>
    /// <value>Empty (sidecars only) by default.</value>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>Gets the namespaces the VirtualService is visible to.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> ExportTo { get; init; } = [];

    /// <summary>Gets the TLS (SNI) routes, in evaluation order.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<TlsRoute> Tls { get; init; } = [];

    /// <summary>Gets the TCP routes, in evaluation order.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<TcpRoute> Tcp { get; init; } = [];

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        SpecJson.Set(spec, "hosts", SpecJson.SortedSet(Hosts));
        SpecJson.Set(spec, "gateways", SpecJson.SortedSet(Gateways));
        SpecJson.Set(spec, "exportTo", SpecJson.SortedSet(ExportTo));
        SpecJson.Set(spec, "tls", SpecJson.List(Tls, r => r.ToJson()));
        SpecJson.Set(spec, "tcp", SpecJson.List(Tcp, r => r.ToJson()));
        return spec;
    }
}

/// <summary>A route for TLS traffic selected by SNI.</summary>
public sealed class TlsRoute
{
    /// <summary>Gets the match conditions (at least one).</summary>
    public required IReadOnlyList<TlsMatch> Match { get; init; }

    /// <summary>Gets the destinations (at least one).</summary>
    public required IReadOnlyList<RouteDestination> Route { get; init; }

    internal JsonObject ToJson() => new()
    {
        ["match"] = SpecJson.List(Match, m => m.ToJson()) ?? [],
        ["route"] = SpecJson.List(Route, r => r.ToJson()) ?? [],
    };
}

/// <summary>A TLS match: SNI names plus optional L4 conditions.</summary>
public sealed class TlsMatch
{
    /// <summary>Gets the SNI names to match; each must fall within the VirtualService hosts.</summary>
    public required IReadOnlyList<string> SniHosts { get; init; }

    /// <summary>Gets the destination port.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Port { get; init; }

    /// <summary>Gets the gateways this match applies to.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>Gets the destination IPs or CIDRs.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> DestinationSubnets { get; init; } = [];

    /// <summary>Gets the caller's namespace.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? SourceNamespace { get; init; }

    internal JsonObject ToJson()
    {
        var match = new JsonObject();
        SpecJson.Set(match, "sniHosts", SpecJson.SortedSet(SniHosts));
        SpecJson.Set(match, "port", Port);
        SpecJson.Set(match, "gateways", SpecJson.SortedSet(Gateways));
        SpecJson.Set(match, "destinationSubnets", SpecJson.SortedSet(DestinationSubnets));
        SpecJson.Set(match, "sourceNamespace", SourceNamespace);
        return match;
    }
}

/// <summary>A route for opaque TCP traffic.</summary>
public sealed class TcpRoute
{
    /// <summary>Gets the match conditions.</summary>
    /// <value>Empty (match all) by default.</value>
    public IReadOnlyList<L4Match> Match { get; init; } = [];

    /// <summary>Gets the destinations (at least one).</summary>
    public required IReadOnlyList<RouteDestination> Route { get; init; }

    internal JsonObject ToJson()
    {
        var route = new JsonObject();
        SpecJson.Set(route, "match", SpecJson.List(Match, m => m.ToJson()));
        route["route"] = SpecJson.List(Route, r => r.ToJson()) ?? [];
        return route;
    }
}

/// <summary>L4 match conditions of a TCP route.</summary>
public sealed class L4Match
{
    /// <summary>Gets the destination port.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Port { get; init; }

    /// <summary>Gets the gateways this match applies to.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>Gets the destination IPs or CIDRs.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> DestinationSubnets { get; init; } = [];

    /// <summary>Gets the caller's namespace.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? SourceNamespace { get; init; }

    internal JsonObject ToJson()
    {
        var match = new JsonObject();
        SpecJson.Set(match, "port", Port);
        SpecJson.Set(match, "gateways", SpecJson.SortedSet(Gateways));
        SpecJson.Set(match, "destinationSubnets", SpecJson.SortedSet(DestinationSubnets));
        SpecJson.Set(match, "sourceNamespace", SourceNamespace);
        return match;
    }
}

/// <summary>A weighted destination of a route.</summary>
public sealed class RouteDestination
{
    /// <summary>Gets the destination host (a registry service name).</summary>
    public required string Host { get; init; }

    /// <summary>Gets the DestinationRule subset.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Subset { get; init; }

    /// <summary>Gets the destination port.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Port { get; init; }

    /// <summary>Gets the weight relative to the route's other destinations.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Weight { get; init; }

    internal JsonObject ToJson()
    {
        var destination = new JsonObject { ["host"] = Host };
        SpecJson.Set(destination, "subset", Subset);
        if (Port is { } port)
            destination["port"] = new JsonObject { ["number"] = port };
        var route = new JsonObject { ["destination"] = destination };
        SpecJson.Set(route, "weight", Weight);
        return route;
    }
}
