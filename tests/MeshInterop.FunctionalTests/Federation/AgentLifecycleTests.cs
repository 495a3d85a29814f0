using MeshInterop.Catalog;
using Microsoft.Extensions.Options;

namespace MeshInterop.FunctionalTests.Federation;

public sealed class AgentLifecycleTests
{
    [Fact(Timeout = 60_000)]
    public async Task Restart_PeerChangedWhileDown_ImportsConvergeExactlyNothingStale()
    {
        await using var a = new MeshAgent("mesh-a");
        await using var b = new MeshAgent("mesh-b");
        a.Peer(b);
        b.Peer(a);
        a.Source.Publish([FederatedServices.Service("mesh-a", "web")]);
        b.Source.Publish([FederatedServices.Service("mesh-b", "httpbin"), FederatedServices.Service("mesh-b", "old"), FederatedServices.Service("mesh-b", "kept")]);
        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);
        await a.WaitForSinkAsync(s => s.Count == 3, "B's three services");
        await b.WaitForSinkAsync(s => s.Count == 1, "A's web");

        await b.StopAsync();
        await a.WaitForStatusAsync(s => !s.Peers.Single().IsConnected, "B gone");
        b.Source.Update([FederatedServices.Service("mesh-b", "new"), FederatedServices.Service("mesh-b", "httpbin", port: 9443)], [new ServiceKey("old")]);
        a.Source.Update([FederatedServices.Service("mesh-a", "api")], []);
        Assert.Equal(3, a.Sink.Current.Count); // a peer that is away keeps its imports
        await b.StartAsync(TestContext.Current.CancellationToken);

        await a.WaitForSinkAsync(
            s => FederatedServices.Keys(s) == "mesh-b-httpbin,mesh-b-kept,mesh-b-new" && s.Find(new ServiceKey("mesh-b-httpbin"))!.Endpoints.Single().Port == 9443,
            "exactly B's new catalog");
        await b.WaitForSinkAsync(s => FederatedServices.Keys(s) == "mesh-a-api,mesh-a-web", "exactly A's catalog after B's restart");
    }

    [Fact(Timeout = 60_000)]
    public async Task Start_InvalidConfiguration_FailsNamingEveryPath()
    {
        await using var a = new MeshAgent("mesh-a");
        a.Configure = options =>
        {
            options.Peers.Add(new() { Name = "Mesh B", Address = "http://127.0.0.1:1", TrustDomain = "mesh-b.example" });
            options.Protocol.AckTimeout = TimeSpan.Zero;
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => a.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, f => f.StartsWith("MeshInterop:Federation:Peers:0:Name: ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("MeshInterop:Federation:Peers:0:Address: ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("MeshInterop:Federation:Peers:0:TrustBundle: ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("MeshInterop:Federation:Protocol:AckTimeout: ", StringComparison.Ordinal));
    }
}
