using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MeshInterop.Istio.Tests.Kubernetes;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.FakeKubernetes;

/// <summary>Contract tests of the fake API server's generic verbs with KubernetesClient's typed API.</summary>
public sealed class FakeKubernetesServerTests
{
    private static async Task<FakeKubernetesServer> StartWithLeasesAsync(CancellationToken ct)
    {
        var server = await FakeKubernetesServer.StartAsync(cancellationToken: ct);
        server.AddResource("coordination.k8s.io", "v1", "leases", "Lease");
        return server;
    }

    private static V1Lease Lease(string holder) => new()
    {
        Metadata = new V1ObjectMeta { Name = "meshinterop-agent", NamespaceProperty = "mesh-system" },
        Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = 15 },
    };

    [Fact]
    public async Task Lease_CreateReadReplace_OptimisticConcurrencyAsLeaderElectionNeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartWithLeasesAsync(ct);
        using var client = FakeIstioCluster.Client(server);

        var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent-a"), "mesh-system", cancellationToken: ct);
        Assert.Equal("agent-a", created.Spec.HolderIdentity);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("agent-b"), "mesh-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);

        // agent-b takes the lease with the version it read; agent-a's write with its older version is refused.
        var read = await client.CoordinationV1.ReadNamespacedLeaseAsync("meshinterop-agent", "mesh-system", cancellationToken: ct);
        read.Spec.HolderIdentity = "agent-b";
        var takenOver = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(read, "meshinterop-agent", "mesh-system", cancellationToken: ct);
        Assert.Equal("agent-b", takenOver.Spec.HolderIdentity);
        Assert.NotEqual(created.Metadata.ResourceVersion, takenOver.Metadata.ResourceVersion);
        Assert.Equal(created.Metadata.Uid, takenOver.Metadata.Uid);

        created.Spec.HolderIdentity = "agent-a";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "meshinterop-agent", "mesh-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal("agent-b", (await client.CoordinationV1.ReadNamespacedLeaseAsync("meshinterop-agent", "mesh-system", cancellationToken: ct)).Spec.HolderIdentity);
    }

    [Fact]
    public async Task Replace_Missing_404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartWithLeasesAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(Lease("a"), "meshinterop-agent", "mesh-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task UnregisteredResource_404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeKubernetesServer.StartAsync(cancellationToken: ct);
        using var client = FakeIstioCluster.Client(server);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReadNamespacedLeaseAsync("x", "mesh-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task Apply_WithoutFieldManager_400()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartWithLeasesAsync(ct);
        using var client = FakeIstioCluster.Client(server);
        var body = new V1Patch(KubernetesJson.Serialize(Lease("a")), V1Patch.PatchType.ApplyPatch);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.PatchNamespacedLeaseAsync(body, "meshinterop-agent", "mesh-system", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        Assert.Contains("fieldManager is required", error.Response.Content, StringComparison.Ordinal);
    }
}
