using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.Kubernetes;

/// <summary>Starts the loopback fake API server with Istio's kinds registered as a given Istio release serves them.</summary>
internal static class FakeIstioCluster
{
    /// <summary>Istio 1.22 and later: every emitted kind in v1 and v1beta1.</summary>
    public static async Task<FakeKubernetesServer> StartCurrentAsync(CancellationToken cancellationToken)
    {
        var server = await FakeKubernetesServer.StartAsync(cancellationToken: cancellationToken);
        foreach (var type in IstioResourceType.All)
        {
            server.AddResource(type.Group, "v1", type.Plural, type.Kind);
            server.AddResource(type.Group, "v1beta1", type.Plural, type.Kind);
        }

        return server;
    }

    /// <summary>Istio 1.20 (OSSM 2.6): networking has no v1, and security v1 serves AuthorizationPolicy but not PeerAuthentication.</summary>
    public static async Task<FakeKubernetesServer> StartIstio120Async(CancellationToken cancellationToken)
    {
        var server = await FakeKubernetesServer.StartAsync(cancellationToken: cancellationToken);
        foreach (var type in IstioResourceType.All.Where(t => t.Group == "networking.istio.io"))
        {
            server.AddResource(type.Group, "v1alpha3", type.Plural, type.Kind);
            server.AddResource(type.Group, "v1beta1", type.Plural, type.Kind);
        }

        server.AddResource("security.istio.io", "v1beta1", "authorizationpolicies", "AuthorizationPolicy");
        server.AddResource("security.istio.io", "v1", "authorizationpolicies", "AuthorizationPolicy");
        server.AddResource("security.istio.io", "v1beta1", "peerauthentications", "PeerAuthentication");
        return server;
    }

    /// <summary>
    /// Serves the core Services and, when the research data is there, the CRDs of <paramref name="release"/> so that the
    /// adapter validates against the schemas a real cluster would report.
    /// </summary>
    public static void AddCoreAndCrds(FakeKubernetesServer server, string release = ResearchData.Istio1303)
    {
        server.AddResource(string.Empty, "v1", "services", "Service");
        server.AddResource("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false);
        if (ResearchData.IstioFolder is null)
            return;
        foreach (var crd in Crds(release))
        {
            if (IstioResourceType.All.Any(t => t.Plural == (string?)crd["spec"]?["names"]?["plural"] && t.Group == (string?)crd["spec"]?["group"]))
                server.Seed("customresourcedefinitions", crd, manager: "istio-installer");
        }
    }

    private static readonly ConcurrentDictionary<string, IReadOnlyList<JsonObject>> CrdCache = new(StringComparer.Ordinal);

    private static IReadOnlyList<JsonObject> Crds(string release) =>
        CrdCache.GetOrAdd(release, r => [.. YamlJson.ReadDocuments(File.ReadAllText(ResearchData.CrdPath(r))).OfType<JsonObject>()]);

    public static k8s.Kubernetes Client(FakeKubernetesServer server) =>
        new(new KubernetesClientConfiguration { Host = server.BaseAddress.ToString() });
}
