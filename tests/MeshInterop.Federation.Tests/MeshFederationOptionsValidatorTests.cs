using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Naming;
using MeshInterop.Federation.Internal;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Tests;

public sealed class MeshFederationOptionsValidatorTests
{
    private static readonly TestCertificateAuthority PeerCa = TestCertificateAuthority.CreateRoot("mesh-b.example");

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var result = Validator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, Action<MeshFederationOptions>> InvalidCases() => new()
    {
        { "MeshInterop:Federation:MeshName", o => o.MeshName = "Mesh_A" },
        { "MeshInterop:Federation:MeshName", o => o.MeshName = string.Empty },
        { "MeshInterop:Federation:TrustDomain", o => o.TrustDomain = string.Empty },
        { "MeshInterop:Federation:TrustDomain", o => o.TrustDomain = "Bad Domain" },
        { "MeshInterop:Federation:AgentSpiffeId", o => o.AgentSpiffeId = "spiffe://other.example/agent" },
        { "MeshInterop:Federation:AgentSpiffeId", o => o.AgentSpiffeId = "not-an-id" },
        { "MeshInterop:Federation:Svid:PrivateKeyPath", o => o.Svid.CertificatePath = "agent.pem" },
        { "MeshInterop:Federation:Svid:CertificatePath", o => { o.Svid.CertificatePath = "missing.pem"; o.Svid.PrivateKeyPath = "missing.key"; } },
        { "MeshInterop:Federation:Svid:PollInterval", o => o.Svid.PollInterval = TimeSpan.Zero },
        { "MeshInterop:Federation:TrustBundle", o => { o.TrustBundle.Pem = "x"; o.TrustBundle.Json = "{}"; } },
        { "MeshInterop:Federation:TrustBundle:Pem", o => o.TrustBundle.Pem = "not a certificate" },
        { "MeshInterop:Federation:ListenEndpoint", o => o.ListenEndpoint = "localhost:15443" },
        { "MeshInterop:Federation:BundleListenEndpoint", o => o.BundleListenEndpoint = "127.0.0.1" },
        { "MeshInterop:Federation:BundleEndpointPath", o => o.BundleEndpointPath = "bundle" },
        { "MeshInterop:Federation:StatusPath", o => o.StatusPath = o.BundleEndpointPath },
        { "MeshInterop:Federation:BundleRefreshHint", o => o.BundleRefreshHint = TimeSpan.FromMilliseconds(1500) },
        { "MeshInterop:Federation:Exports", o => o.Exports.Allow.Add(new ExportRule()) },
        { "MeshInterop:Federation:ImportNaming", o => o.ImportNaming.Style = ImportNameStyle.Template },
        { "MeshInterop:Federation:DisconnectedTtl", o => o.DisconnectedTtl = TimeSpan.FromSeconds(-1) },
        { "MeshInterop:Federation:SnapshotGracePeriod", o => o.SnapshotGracePeriod = TimeSpan.Zero },
        { "MeshInterop:Federation:MaxImportsPerPeer", o => o.MaxImportsPerPeer = 0 },
        { "MeshInterop:Federation:LeaderResyncTimeout", o => o.LeaderResyncTimeout = TimeSpan.Zero },
        { "MeshInterop:Federation:Protocol:AckTimeout", o => o.Protocol.AckTimeout = TimeSpan.Zero },
        { "MeshInterop:Federation:Protocol:MaxWindow", o => o.Protocol.MaxWindow = 1025 },
        { "MeshInterop:Federation:Protocol:Window", o => o.Protocol.Window = 0 },
        { "MeshInterop:Federation:Protocol:MaxStreamsPerPeer", o => o.Protocol.MaxStreamsPerPeer = 0 },
        { "MeshInterop:Federation:Protocol:InitialReconnectDelay", o => o.Protocol.InitialReconnectDelay = TimeSpan.FromMilliseconds(500) },
        { "MeshInterop:Federation:Protocol:MaxReconnectDelay", o => o.Protocol.MaxReconnectDelay = TimeSpan.FromMilliseconds(999) },
        { "MeshInterop:Federation:Protocol:MaxReceiveMessageSize", o => o.Protocol.MaxReceiveMessageSize = 1024 },
        { "MeshInterop:Federation:Peers:0:Name", o => o.Peers[0].Name = "B" },
        { "MeshInterop:Federation:Peers:1:Name", o => o.Peers.Add(Peer("mesh-b", "mesh-c.example")) },
        { "MeshInterop:Federation:Peers:0:Address", o => o.Peers[0].Address = "http://127.0.0.1:15443" },
        { "MeshInterop:Federation:Peers:0:Address", o => o.Peers[0].Address = string.Empty },
        { "MeshInterop:Federation:Peers:0:Address", o => o.Peers[0].Address = "https://user:secret@127.0.0.1:15443" },
        { "MeshInterop:Federation:Peers:0:TrustDomain", o => o.Peers[0].TrustDomain = "mesh-a.example" },
        { "MeshInterop:Federation:Peers:0:TrustDomain", o => o.Peers[0].TrustDomain = string.Empty },
        { "MeshInterop:Federation:Peers:0:AgentSpiffeId", o => o.Peers[0].AgentSpiffeId = "spiffe://mesh-c.example/agent" },
        { "MeshInterop:Federation:Peers:1:AgentSpiffeId", o => o.Peers.Add(Peer("mesh-b2", "mesh-b.example")) },
        { "MeshInterop:Federation:Peers:0:TrustBundle", o => o.Peers[0].TrustBundle.Pem = null },
        { "MeshInterop:Federation:Peers:0:TrustBundle:PemFile", o => { o.Peers[0].TrustBundle.Pem = null; o.Peers[0].TrustBundle.PemFile = "missing-bundle.pem"; } },
        { "MeshInterop:Federation:Peers:0:TrustBundle:Json", o => { o.Peers[0].TrustBundle.Pem = null; o.Peers[0].TrustBundle.Json = "{\"keys\": 1}"; } },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:Profile", o => o.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/bundle" },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:Profile", o => { o.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/bundle"; o.Peers[0].BundleEndpoint.Profile = "https-spiffe"; } },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:Url", o => { o.Peers[0].BundleEndpoint.Url = "http://127.0.0.1:8444/bundle"; o.Peers[0].BundleEndpoint.Profile = "https_web"; } },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:Url", o => o.Peers[0].BundleEndpoint.Profile = "https_web" },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:EndpointSpiffeId", o => { o.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/bundle"; o.Peers[0].BundleEndpoint.Profile = "https_spiffe"; } },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:EndpointSpiffeId", o => { o.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/bundle"; o.Peers[0].BundleEndpoint.Profile = "https_web"; o.Peers[0].BundleEndpoint.EndpointSpiffeId = "spiffe://mesh-b.example/bundle"; } },
        { "MeshInterop:Federation:Peers:0:BundleEndpoint:EndpointSpiffeId", o => { o.Peers[0].TrustBundle.Pem = null; o.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/bundle"; o.Peers[0].BundleEndpoint.Profile = "https_spiffe"; o.Peers[0].BundleEndpoint.EndpointSpiffeId = "spiffe://mesh-b.example/bundle"; } },
        { "MeshInterop:Federation:Peers:0:Exports", o => o.Peers[0].Exports = new ExportPolicyOptions { Allow = { new ExportRule() } } },
        { "MeshInterop:Federation:Peers:0:ImportNaming", o => o.Peers[0].ImportNaming = new ImportNamingOptions { NameTemplate = "{peer}" , Style = ImportNameStyle.Template } },
        { "MeshInterop:Federation:Peers:0:DisconnectedTtl", o => o.Peers[0].DisconnectedTtl = TimeSpan.FromSeconds(-5) },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidOption_NamesItsConfigurationPath(string path, Action<MeshFederationOptions> spoil)
    {
        var options = Valid();
        spoil(options);

        var result = Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith(path + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PeerImportAlias_Succeeds()
    {
        var options = Valid();
        options.Peers[0].ImportNaming = new ImportNamingOptions { Alias = "nsxsm" };

        var result = Validator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = Valid();
        options.MeshName = string.Empty;
        options.Peers[0].Address = "http://plain";
        options.Protocol.Window = 0;

        var result = Validator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void Validate_BundleEndpointWithBootstrapBundle_Succeeds()
    {
        var options = Valid();
        options.Peers[0].BundleEndpoint.Url = "https://127.0.0.1:8444/meshinterop/bundle";
        options.Peers[0].BundleEndpoint.Profile = "https_spiffe";
        options.Peers[0].BundleEndpoint.EndpointSpiffeId = "spiffe://mesh-b.example/meshinterop/agent";

        var result = Validator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoSvidFilesAndNoSvidSource_NamesSvid()
    {
        var options = Valid();
        var services = new ServiceCollection().BuildServiceProvider();

        var result = new MeshFederationOptionsValidator(MeshFederationOptions.SectionName, services.GetRequiredService<IServiceProviderIsService>()).Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith("MeshInterop:Federation:Svid: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_BoundFromConfiguration_FailsAtStartWithPathsUnderTheSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MeshInterop:Federation:MeshName"] = "mesh-a",
            ["MeshInterop:Federation:TrustDomain"] = "mesh-a.example",
            ["MeshInterop:Federation:Peers:0:Name"] = "mesh-b",
            ["MeshInterop:Federation:Peers:0:Address"] = "https://127.0.0.1:15443",
            ["MeshInterop:Federation:Peers:0:TrustDomain"] = "mesh-b.example",
            ["MeshInterop:Federation:Peers:1:Name"] = "mesh-c",
            ["MeshInterop:Federation:Peers:1:Address"] = "https://127.0.0.1:15444",
            ["MeshInterop:Federation:Peers:1:TrustDomain"] = "not a domain",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(PeerCa.IssueSvid("/agent").Leaf)));
        services.AddMeshFederation();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MeshFederationOptions>>().Value);

        Assert.Contains(error.Failures, failure => failure.StartsWith("MeshInterop:Federation:Peers:1:TrustDomain: ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("MeshInterop:Federation:Peers:0:TrustBundle: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_BoundFromAnotherSection_ErrorsNameThatSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:East:MeshName"] = "East",
            ["Agents:East:TrustDomain"] = "east.example",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(PeerCa.IssueSvid("/agent").Leaf)));
        services.AddMeshFederation(configuration.GetSection("Agents:East"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MeshFederationOptions>>().Value);

        Assert.StartsWith("Agents:East:MeshName: ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    internal static MeshFederationOptions Valid()
    {
        var options = new MeshFederationOptions { MeshName = "mesh-a", TrustDomain = "mesh-a.example", ListenEndpoint = "127.0.0.1:0" };
        options.Peers.Add(Peer("mesh-b", "mesh-b.example"));
        return options;
    }

    private static MeshFederationPeerOptions Peer(string name, string trustDomain)
    {
        var peer = new MeshFederationPeerOptions { Name = name, Address = "https://127.0.0.1:15443", TrustDomain = trustDomain };
        peer.TrustBundle.Pem = PeerCa.Certificate.ExportCertificatePem();
        return peer;
    }

    // No service provider: the SVID source check is skipped, as when options are validated outside a host.
    private static MeshFederationOptionsValidator Validator() => new(MeshFederationOptions.SectionName, null);
}
