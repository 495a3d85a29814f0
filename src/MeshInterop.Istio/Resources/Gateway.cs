using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>A <c>networking.istio.io</c> Gateway: the listeners of a gateway deployment.</summary>
public sealed class Gateway : IstioResource
{
    /// <inheritdoc/>
    public override IstioResourceType ResourceType => IstioResourceType.Gateway;

    /// <summary>Gets the specification.</summary>
    public required GatewaySpec Spec { get; init; }

    internal override JsonObject SpecToJson() => Spec.ToJson();

    internal override IstioResource WithMetadata(IstioObjectMetadata metadata) => new Gateway { Metadata = metadata, Spec = Spec };
}

/// <summary>The <c>spec</c> of a Gateway.</summary>
public sealed class GatewaySpec
{
    /// <summary>Gets the labels of the gateway pods this configuration applies to.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the servers (listeners), written sorted by port number and port name.</summary>
    public required IReadOnlyList<GatewayServer> Servers { get; init; }

    internal JsonObject ToJson()
    {
        var spec = new JsonObject();
        SpecJson.Set(spec, "selector", SpecJson.StringMap(Selector));
        SpecJson.Set(spec, "servers", SpecJson.List(
            Servers.OrderBy(s => s.Port.Number).ThenBy(s => s.Port.Name, StringComparer.Ordinal), s => s.ToJson()));
        return spec;
    }
}

/// <summary>One listener of a Gateway.</summary>
public sealed class GatewayServer
{
    /// <summary>Gets the port the gateway listens on.</summary>
    public required GatewayPort Port { get; init; }

    /// <summary>Gets the hosts exposed, <c>[namespace/]fqdn</c>, written sorted.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Gets the TLS settings; required for TLS and HTTPS ports.</summary>
    /// <value><see langword="null"/> by default.</value>
    public ServerTlsSettings? Tls { get; init; }

    /// <summary>Gets the address to bind to.</summary>
    /// <value><see langword="null"/> (all addresses) by default.</value>
    public string? Bind { get; init; }

    /// <summary>Gets an optional name for the server.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Name { get; init; }

    internal JsonObject ToJson()
    {
        var server = new JsonObject { ["port"] = Port.ToJson() };
        SpecJson.Set(server, "hosts", SpecJson.SortedSet(Hosts));
        SpecJson.Set(server, "tls", Tls?.ToJson());
        SpecJson.Set(server, "bind", Bind);
        SpecJson.Set(server, "name", Name);
        return server;
    }
}

/// <summary>A Gateway server port: number, protocol and a name unique across the Gateway's servers.</summary>
public sealed class GatewayPort
{
    /// <summary>Gets the port number (1–65535).</summary>
    public required int Number { get; init; }

    /// <summary>Gets the protocol (<c>TLS</c>, <c>HTTPS</c>, <c>HTTP</c>, <c>TCP</c>, ...); never empty on a Gateway.</summary>
    public required string Protocol { get; init; }

    /// <summary>Gets the port name.</summary>
    public required string Name { get; init; }

    internal JsonObject ToJson() => new() { ["number"] = Number, ["protocol"] = Protocol, ["name"] = Name };
}

/// <summary>The TLS mode a Gateway server terminates or passes through.</summary>
public enum ServerTlsMode
{
    /// <summary><c>PASSTHROUGH</c>: routed by SNI through a VirtualService <c>tls</c> route.</summary>
    Passthrough,

    /// <summary><c>SIMPLE</c>: TLS terminated with a server certificate.</summary>
    Simple,

    /// <summary><c>MUTUAL</c>: TLS terminated, client certificate required.</summary>
    Mutual,

    /// <summary><c>AUTO_PASSTHROUGH</c>: the <c>outbound_.</c> SNI selects the cluster; no VirtualService.</summary>
    AutoPassthrough,

    /// <summary><c>ISTIO_MUTUAL</c>: terminated with the gateway's own workload certificate.</summary>
    IstioMutual,

    /// <summary><c>OPTIONAL_MUTUAL</c>: client certificate verified when presented.</summary>
    OptionalMutual,
}

/// <summary>A TLS protocol version bound.</summary>
public enum TlsProtocolVersion
{
    /// <summary><c>TLS_AUTO</c>: the proxy's default.</summary>
    TlsAuto,

    /// <summary><c>TLSV1_0</c>.</summary>
    Tls10,

    /// <summary><c>TLSV1_1</c>.</summary>
    Tls11,

    /// <summary><c>TLSV1_2</c>.</summary>
    Tls12,

    /// <summary><c>TLSV1_3</c>.</summary>
    Tls13,
}

/// <summary>Server TLS settings of a Gateway (ServerTLSSettings), limited to the fields Istio 1.24 knows.</summary>
public sealed class ServerTlsSettings
{
    /// <summary>Gets the mode.</summary>
    /// <value><see langword="null"/> by default.</value>
    public ServerTlsMode? Mode { get; init; }

    /// <summary>Gets whether plain HTTP requests are redirected to HTTPS.</summary>
    /// <value><see langword="null"/> by default.</value>
    public bool? HttpsRedirect { get; init; }

    /// <summary>Gets the Secret holding the server key, certificate and optionally the CA.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? CredentialName { get; init; }

    /// <summary>Gets the server certificate file path inside the proxy.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? ServerCertificate { get; init; }

    /// <summary>Gets the private key file path inside the proxy.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? PrivateKey { get; init; }

    /// <summary>Gets the CA bundle file path used to verify client certificates.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? CaCertificates { get; init; }

    /// <summary>Gets the SANs a client certificate must carry.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> SubjectAltNames { get; init; } = [];

    /// <summary>Gets the minimum TLS version.</summary>
    /// <value><see langword="null"/> by default.</value>
    public TlsProtocolVersion? MinProtocolVersion { get; init; }

    /// <summary>Gets the maximum TLS version.</summary>
    /// <value><see langword="null"/> by default.</value>
    public TlsProtocolVersion? MaxProtocolVersion { get; init; }

    /// <summary>Gets the allowed cipher suites, in preference order.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<string> CipherSuites { get; init; } = [];

    internal JsonObject ToJson()
    {
        var tls = new JsonObject();
        SpecJson.Set(tls, "mode", Mode);
        SpecJson.Set(tls, "httpsRedirect", HttpsRedirect);
        SpecJson.Set(tls, "credentialName", CredentialName);
        SpecJson.Set(tls, "serverCertificate", ServerCertificate);
        SpecJson.Set(tls, "privateKey", PrivateKey);
        SpecJson.Set(tls, "caCertificates", CaCertificates);
        SpecJson.Set(tls, "subjectAltNames", SpecJson.SortedSet(SubjectAltNames));
        SpecJson.Set(tls, "minProtocolVersion", VersionName(MinProtocolVersion));
        SpecJson.Set(tls, "maxProtocolVersion", VersionName(MaxProtocolVersion));
        SpecJson.Set(tls, "cipherSuites", SpecJson.List(CipherSuites, c => JsonValue.Create(c)));
        return tls;
    }

    private static string? VersionName(TlsProtocolVersion? version) => version switch
    {
        null => null,
        TlsProtocolVersion.TlsAuto => "TLS_AUTO",
        TlsProtocolVersion.Tls10 => "TLSV1_0",
        TlsProtocolVersion.Tls11 => "TLSV1_1",
        TlsProtocolVersion.Tls12 => "TLSV1_2",
        TlsProtocolVersion.Tls13 => "TLSV1_3",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown TLS protocol version."),
    };
}
