namespace MeshInterop.FunctionalTests.Demo;

/// <summary>The README's first command, run in-process: the whole two-mesh story must hold, step by step.</summary>
public sealed class FederationDemoTests
{
    [Fact(Timeout = 120_000)]
    public async Task RunAsync_TellsTheWholeStoryAndExitsZero()
    {
        using var output = new StringWriter();

        var exitCode = await MeshInterop.Samples.FederationDemo.Demo.RunAsync(output, TestContext.Current.CancellationToken);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);

        // Bundles through the bundle endpoints, control channels both ways.
        Assert.Contains("[nsxsm agent] Retrieved the bundle of 'consul.example'", text, StringComparison.Ordinal);
        Assert.Contains("[consul agent] Retrieved the bundle of 'nsxsm.example'", text, StringComparison.Ordinal);
        Assert.Contains("[consul agent] Subscribed to peer 'nsxsm' over Hamlet V1Alpha2.", text, StringComparison.Ordinal);
        Assert.Contains("[nsxsm agent] Subscribed to peer 'consul' over Hamlet V1Alpha2.", text, StringComparison.Ordinal);

        // Import views with prefixed names, the peer's ingress and SANs.
        Assert.Matches(@"nsxsm-httpbin +-> 127\.0\.0\.1:\d+ +SAN spiffe://nsxsm\.example/ns/default/sa/httpbin", text);
        Assert.Matches(@"consul-web +-> 127\.0\.0\.1:\d+ +SAN spiffe://consul\.example/ns/default/sa/web", text);

        // The data-plane call with both identities, and the refusal.
        Assert.Contains("-> HTTP 200 {\"service\":\"httpbin\",\"headers\":{\"X-Forwarded-Client-Spiffe-Id\":\"spiffe://consul.example/ns/default/sa/web\"}}", text, StringComparison.Ordinal);
        Assert.Contains("the workload verified the server as spiffe://nsxsm.example/ns/default/sa/httpbin", text, StringComparison.Ordinal);
        Assert.Contains("-> HTTP 403 RBAC: access denied: 'spiffe://consul.example/ns/default/sa/rogue'", text, StringComparison.Ordinal);

        // Each change measured; the restart converges with nothing stale.
        Assert.Matches(@"nsxsm adds 'headers' +in consul's imports file after +\d+\.\d ms", text);
        Assert.Matches(@"nsxsm moves 'httpbin' to 127\.0\.0\.2 +in consul's imports file after +\d+\.\d ms", text);
        Assert.Matches(@"nsxsm removes 'headers' +in consul's imports file after +\d+\.\d ms", text);
        Assert.Contains("the stale 'nsxsm-httpbin' is gone", text, StringComparison.Ordinal);
        Assert.Matches(@"Done in \d+\.\d s", text);
    }
}
