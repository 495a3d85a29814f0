using MeshInterop.Federation.Internal;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class LocalFqdnTests
{
    [Fact(Timeout = 60_000)]
    public async Task TwoMeshes_ImportClaimsALocalServicesFqdn_NotProjectedUntilTheLocalServiceLeaves()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        a.Peer(b);
        b.Peer(a);

        // A's own service and B's httpbin assert the same FQDN under different names: A's own service wins in A.
        var local = FederatedServices.Service("mesh-a", "gateway") with { Fqdn = "httpbin.shared.example" };
        a.Source.Publish([local]);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin") with { Fqdn = "HTTPBIN.shared.example" }, FederatedServices.Service("mesh-b", "web")]);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);

        await a.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-b-web", "B's web only: its httpbin claims A's own FQDN");
        Assert.Equal(1, ((FederationStatus)a.Status).Conflicts);

        a.Source.Update([], [local.Key]);

        await a.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-b-httpbin,mesh-b-web", "B's httpbin once A's own service left");
        Assert.Equal(0, ((FederationStatus)a.Status).Conflicts);
    }
}
