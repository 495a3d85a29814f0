using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Validation;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.Kubernetes;

public sealed class MeshPrerequisiteCheckerTests
{
    private static async Task<FakeKubernetesServer> StartAsync(string? mesh, CancellationToken ct)
    {
        var server = await FakeKubernetesServer.StartAsync(cancellationToken: ct);
        server.AddResource(string.Empty, "v1", "configmaps", "ConfigMap");
        if (mesh is not null)
        {
            server.Seed("configmaps", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "istio", ["namespace"] = "istio-system" },
                ["data"] = new JsonObject { ["mesh"] = mesh },
            }, manager: "istio-installer");
        }

        return server;
    }

    [Fact]
    public async Task CheckAsync_PeerDomainWithRootAndDnsCapture_ReadyWithTheFlatPoolWarning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync("""
            trustDomain: east.example.org
            caCertificates:
            - spiffeBundleUrl: https://west.example.org/bundle
              trustDomains: [west.example.org]
            defaultConfig:
              proxyMetadata:
                ISTIO_META_DNS_CAPTURE: "true"
            """, ct);
        using var client = FakeIstioCluster.Client(server);

        var report = await new MeshPrerequisiteChecker(client).CheckAsync(["west.example.org"], "istio-system", null, ct);

        Assert.True(report.IsReady);
        Assert.Contains(report.Issues, i => i.Severity == ValidationSeverity.Warning && i.Message.Contains("flat pool", StringComparison.Ordinal));
        Assert.Contains(report.Unchecked, u => u.Contains("ISTIO_MULTIROOT_MESH", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, r => r.Method != "GET");   // report, never edit
    }

    [Fact]
    public async Task CheckAsync_PeerDomainOnlyAnAlias_NotReadyAndWarnsAboutMergedIdentities()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync("trustDomain: east.example.org\ntrustDomainAliases: [west.example.org]\n", ct);
        using var client = FakeIstioCluster.Client(server);

        var report = await new MeshPrerequisiteChecker(client).CheckAsync(["west.example.org"], "istio-system", null, ct);

        Assert.False(report.IsReady);
        Assert.Contains(report.Issues, i => i.Severity == ValidationSeverity.Error && i.Message.Contains("'west.example.org'", StringComparison.Ordinal));
        Assert.Contains(report.Issues, i => i.Path == "meshConfig.trustDomainAliases");
        Assert.Contains(report.Issues, i => i.Path.EndsWith("ISTIO_META_DNS_CAPTURE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_NoMeshConfig_NotReadyNamingTheConfigMap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(null, ct);
        using var client = FakeIstioCluster.Client(server);

        var report = await new MeshPrerequisiteChecker(client).CheckAsync(["west.example.org"], "istio-system", "canary", ct);

        Assert.Equal("ConfigMap 'istio-system/istio-canary'", Assert.Single(report.Issues).Path);
    }
}
