using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using k8s.Models;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.Kubernetes;

public sealed class IstioCrdSchemaLoaderTests
{
    private static async Task<FakeKubernetesServer> StartWithCrdsAsync(string release, string[] plurals, CancellationToken ct)
    {
        var server = await FakeIstioCluster.StartCurrentAsync(ct);
        server.AddResource("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false);
        foreach (var crd in YamlJson.ReadDocuments(File.ReadAllText(ResearchData.CrdPath(release))).OfType<JsonObject>())
        {
            if (plurals.Contains((string?)crd["spec"]?["names"]?["plural"], StringComparer.Ordinal))
                server.Seed("customresourcedefinitions", crd, manager: "istio-installer");
        }

        return server;
    }

    [Fact]
    public async Task LoadAsync_InstalledCrds_IndexedAndMissingOnesLeftOut()
    {
        var ct = TestContext.Current.CancellationToken;
        ResearchData.RequireIstioFolder();
        await using var server = await StartWithCrdsAsync(ResearchData.Istio1246, ["serviceentries", "peerauthentications"], ct);
        using var kubernetes = FakeIstioCluster.Client(server);

        var schemas = await new IstioCrdSchemaLoader(kubernetes).LoadAsync(ct);

        Assert.True(schemas.TryGetSchema("networking.istio.io", "ServiceEntry", "v1", out _));
        Assert.True(schemas.TryGetSchema("networking.istio.io", "ServiceEntry", "v1beta1", out _));
        Assert.True(schemas.TryGetSchema("security.istio.io", "PeerAuthentication", "v1", out _));
        Assert.False(schemas.TryGetSchema("networking.istio.io", "DestinationRule", "v1", out _));
        Assert.Contains(server.Requests, r => r.Path == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/serviceentries.networking.istio.io");
    }

    [Fact]
    public async Task Apply_FieldUnknownToTheClusterSchema_RejectedWith422NamingTheField()
    {
        // The admission hook validates with the schema read from the cluster, as the API server does with
        // fieldValidation=Strict: a 1.30-only field sent to a 1.24 cluster is refused, not pruned.
        var ct = TestContext.Current.CancellationToken;
        ResearchData.RequireIstioFolder();
        await using var server = await StartWithCrdsAsync(ResearchData.Istio1246, ["serviceentries"], ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var schemas = await new IstioCrdSchemaLoader(kubernetes).LoadAsync(ct);
        server.Admission = request =>
        {
            Assert.Equal("Strict", request.FieldValidation);
            Assert.True(schemas.TryGetSchemaFor(request.Resource, out var schema));
            return new AdmissionOutcome { Causes = [.. schema.Validate(request.Resource).Errors.Select(e => (e.Path, e.Message, "FieldValueInvalid"))] };
        };
        const string Body = """
            {"apiVersion":"networking.istio.io/v1","kind":"ServiceEntry","metadata":{"name":"se","namespace":"ns"},
             "spec":{"hosts":["a.example"],"resolution":"DYNAMIC_DNS"}}
            """;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => kubernetes.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync(
            new V1Patch(Body, V1Patch.PatchType.ApplyPatch), "networking.istio.io", "v1", "ns", "serviceentries", "se",
            fieldManager: "meshinterop", fieldValidation: "Strict", force: true, cancellationToken: ct));

        var mapped = KubernetesApiException.From(error, "Apply");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mapped.StatusCode);
        Assert.Contains(mapped.Causes, c => c.Field == "spec.resolution" && c.Message!.StartsWith("Unsupported value: \"DYNAMIC_DNS\"", StringComparison.Ordinal));
    }
}
