using System.Diagnostics;
using System.Globalization;
using MeshInterop.Catalog;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// The two-mesh federation story, end to end on loopback, with nothing to install: a VM-style mesh
/// (<c>consul.example</c>) and a Kubernetes-style mesh (<c>nsxsm.example</c>) each run the federation agent with the
/// file registry, exchange bundles through their SPIFFE bundle endpoints, import each other's services under
/// prefixed names, carry a real mTLS call across, follow every change, and converge again after an agent restart.
/// </summary>
public static class Demo
{
    /// <summary>Runs the demo; returns the process exit code (0 when every step did what it says).</summary>
    /// <param name="output">Where the story is told.</param>
    /// <param name="cancellationToken">Ends the demo early (it fails then).</param>
    /// <returns>0 on success.</returns>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = TextWriter.Synchronized(output);
        var root = Path.Combine(Path.GetTempPath(), "meshinterop-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await RunAsync(writer, root, cancellationToken);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task RunAsync(TextWriter output, string root, CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();
        var total = Stopwatch.StartNew();
        void Step(string title) => output.WriteLine($"{Environment.NewLine}== {title}");
        void Say(string text) => output.WriteLine("   " + text);

        Step("1. Two trust domains, each with a development CA and an agent SVID (development material only)");
        var ports = DemoMesh.ReservePorts(6);
        await using var consul = new DemoMesh("consul", "consul.example", "a VM-style mesh", root, ports[..3], output, now);
        await using var nsxsm = new DemoMesh("nsxsm", "nsxsm.example", "a Kubernetes-style mesh", root, ports[3..], output, now);
        consul.FederateWith(nsxsm);
        nsxsm.FederateWith(consul);
        foreach (var mesh in new[] { consul, nsxsm })
        {
            Say($"{mesh.Name,-7} {mesh.Style,-24} CA '{mesh.Ca.Certificate.Subject}', agent {mesh.AgentId}");
        }

        Step("2. Two agents on loopback, each with a file registry; bundles exchanged through the bundle endpoints");
        Say("Each agent is given its peer's CA once, out of band, to bootstrap; it then takes the peer's bundle from the");
        Say("peer's SPIFFE bundle endpoint (https_spiffe, authenticated as the peer's agent). The agent started first finds");
        Say("its peer's endpoint not up yet and keeps the bootstrap bundle until its next refresh (or restart, step 6).");
        await consul.WriteRegistryAsync([consul.Service("web"), consul.Service("api")], ct);
        await nsxsm.WriteRegistryAsync([nsxsm.Service("httpbin")], ct);
        Say($"consul registry {consul.RegistryPath}: web, api");
        Say($"nsxsm  registry {nsxsm.RegistryPath}: httpbin");
        await consul.StartAgentAsync(ct);
        await nsxsm.StartAgentAsync(ct);
        foreach (var mesh in new[] { consul, nsxsm })
        {
            Say($"{mesh.Name,-7} agent: Hamlet over SPIFFE mTLS on {mesh.FederationAddress}, bundle endpoint {mesh.BundleEndpoint}");
        }

        Step("3. Each mesh's import view, written by its file sink: the peer's services under prefixed names");
        var consulImports = await consul.WaitForImportsAsync(i => Names(i) == "nsxsm-httpbin", "nsxsm's httpbin imported", ct);
        var nsxsmImports = await nsxsm.WaitForImportsAsync(i => Names(i) == "consul-api,consul-web", "consul's web and api imported", ct);
        PrintImports(output, consul, consulImports);
        PrintImports(output, nsxsm, nsxsmImports);

        Step("4. A workload of consul calls nsxsm's httpbin through nsxsm's mTLS ingress");
        var consulTrust = await FederatedTrustAsync(consul, nsxsm, ct);
        var nsxsmTrust = await FederatedTrustAsync(nsxsm, consul, ct);
        Say($"workload trust in consul: bundles of {string.Join(" and ", consulTrust.Current.TrustDomains.Order())} (nsxsm's taken from its bundle endpoint)");
        var web = SpiffeId.Parse("spiffe://consul.example/ns/default/sa/web");
        var httpbinId = SpiffeId.Parse("spiffe://nsxsm.example/ns/default/sa/httpbin");
        await using var ingress = new Ingress();
        await ingress.StartAsync(nsxsm.IngressPort, nsxsm.WorkloadSvid("httpbin"), nsxsmTrust, [consul.TrustDomain, nsxsm.TrustDomain], new HashSet<SpiffeId> { web }, ct);

        // The workload resolves the service through its mesh's import view: the address is nsxsm's ingress, and the
        // server must prove the SAN the import lists.
        var target = consulImports.Single(e => e.Key.Name == "nsxsm-httpbin");
        var endpoint = target.Endpoints[0];
        var expectedServer = SpiffeId.Parse(target.SubjectAlternativeNames[0]);
        var url = new Uri($"https://{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}/headers");
        var (status, body, verifiedCaller) = await CallAsync(consul.WorkloadSvid("web"), consulTrust, expectedServer, url, ct);
        Require(status == 200, $"the call from {web} should succeed, got HTTP {status}: {body}");
        Require(verifiedCaller == web.ToString(), $"the ingress should have verified {web}, it reported '{verifiedCaller}'");
        Say($"GET {url} as {web}");
        Say($"-> HTTP {status} {Ingress.Compact(body)}");
        Say($"   the workload verified the server as {expectedServer} (the SAN in its import view, checked against nsxsm's bundle)");
        Say($"   the ingress verified the caller as  {verifiedCaller} (checked against consul's bundle) and forwarded the call");
        Require(expectedServer == httpbinId, "the import should carry httpbin's SPIFFE ID");

        var rogue = SpiffeId.Parse("spiffe://consul.example/ns/default/sa/rogue");
        var (refusedStatus, refusedBody, _) = await CallAsync(consul.WorkloadSvid("rogue"), consulTrust, expectedServer, url, ct);
        Require(refusedStatus == 403, $"the call from {rogue} should be refused, got HTTP {refusedStatus}");
        Say($"GET {url} as {rogue} (a valid SVID of consul, not allowed to call httpbin)");
        Say($"-> HTTP {refusedStatus} {refusedBody.Trim()}");

        Step("5. Changes in nsxsm's registry file arrive in consul's import view");
        await MeasureAsync(output, "nsxsm adds 'headers'", () => nsxsm.WriteRegistryAsync([nsxsm.Service("httpbin"), nsxsm.Service("headers")], ct),
            consul, i => Names(i) == "nsxsm-headers,nsxsm-httpbin", ct);
        await MeasureAsync(output, "nsxsm moves 'httpbin' to 127.0.0.2", () => nsxsm.WriteRegistryAsync([nsxsm.Service("httpbin", "127.0.0.2"), nsxsm.Service("headers")], ct),
            consul, i => i.Any(e => e.Key.Name == "nsxsm-httpbin" && e.Endpoints[0].Address == "127.0.0.2"), ct);
        await MeasureAsync(output, "nsxsm removes 'headers'", () => nsxsm.WriteRegistryAsync([nsxsm.Service("httpbin", "127.0.0.2")], ct),
            consul, i => Names(i) == "nsxsm-httpbin", ct);

        Step("6. The consul agent stops; meanwhile nsxsm removes 'httpbin' and adds 'status'; then consul restarts");
        await consul.StopAgentAsync();
        await WaitForPeerAsync(nsxsm, p => !p.IsConnected, ct);
        var kept = await nsxsm.ReadImportsAsync(ct);
        Say($"nsxsm sees consul {nsxsm.Status.Peers[0].State}; its imports of consul stay: {Names(kept)}");
        Require(Names(kept) == "consul-api,consul-web", "nsxsm should keep consul's imports while consul is away");
        await nsxsm.WriteRegistryAsync([nsxsm.Service("status")], ct);
        Say($"consul's imports file still lists what it knew when it stopped: {Names(await consul.ReadImportsAsync(ct))}");
        var restart = Stopwatch.StartNew();
        await consul.StartAgentAsync(ct);
        var converged = await consul.WaitForImportsAsync(i => Names(i) == "nsxsm-status", "only nsxsm's status imported", ct);
        Say($"consul resynced from nsxsm and converged {restart.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture)} ms after its restart; the stale 'nsxsm-httpbin' is gone:");
        PrintImports(output, consul, converged);
        await WaitForPeerAsync(nsxsm, p => p.IsConnected, ct);
        var nsxsmAfter = await nsxsm.ReadImportsAsync(ct);
        Require(Names(nsxsmAfter) == "consul-api,consul-web", "nsxsm should import exactly consul's services again");
        Say($"nsxsm reconnected to consul ({nsxsm.Status.Peers[0].State}), its imports unchanged and complete:");
        PrintImports(output, nsxsm, nsxsmAfter);

        consul.Mute();
        nsxsm.Mute();
        Step(string.Create(CultureInfo.InvariantCulture, $"Done in {total.Elapsed.TotalSeconds:0.0} s: two meshes federated over Hamlet with SPIFFE mTLS in both directions."));
    }

    /// <summary>
    /// What a workload of <paramref name="mesh"/> trusts: its own CA and the peer's bundle, retrieved from the peer's
    /// SPIFFE bundle endpoint (https_spiffe, authenticated as the peer's agent, bootstrapped with the peer's CA).
    /// </summary>
    private static async Task<InMemoryBundleSource> FederatedTrustAsync(DemoMesh mesh, DemoMesh peer, CancellationToken ct)
    {
        var bootstrap = new SpiffeBundle(new X509Bundle(peer.TrustDomain, [peer.Ca.Certificate]), new JwtBundle(peer.TrustDomain, []));
        var client = new BundleEndpointClient(
            new BundleEndpointOptions
            {
                TrustDomain = peer.TrustDomain,
                Url = peer.BundleEndpoint,
                Profile = BundleEndpointProfile.HttpsSpiffe,
                EndpointSpiffeId = peer.AgentId,
                BootstrapBundle = bootstrap,
            },
            new InMemoryBundleSource(BundleSet.Empty.With(bootstrap)));
        var retrieved = await client.FetchAsync(ct);
        return new InMemoryBundleSource(BundleSet.Empty.With(new X509Bundle(mesh.TrustDomain, [mesh.Ca.Certificate])).With(retrieved));
    }

    private static async Task<(int Status, string Body, string? VerifiedCaller)> CallAsync(X509Svid svid, IBundleSource trust, SpiffeId server, Uri url, CancellationToken ct)
    {
        var tls = new SpiffeTls(new InMemoryX509SvidSource(svid), new X509SvidValidator(trust), SpiffeAuthorizer.Exact(server));
        using var http = new HttpClient(tls.CreateHttpHandler());
        using var response = await http.GetAsync(url, ct);
        var caller = response.Headers.TryGetValues(Ingress.CallerHeader, out var values) ? values.Single() : null;
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), caller);
    }

    private static async Task MeasureAsync(TextWriter output, string change, Func<Task> apply, DemoMesh observer, Func<IReadOnlyList<CatalogEntry>, bool> arrived, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await apply();
        await observer.WaitForImportsAsync(arrived, change, ct);
        output.WriteLine($"   {change,-38} in consul's imports file after {clock.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture),6} ms");
    }

    private static async Task WaitForPeerAsync(DemoMesh mesh, Func<MeshInterop.Federation.MeshFederationPeerStatus, bool> condition, CancellationToken ct)
    {
        var status = mesh.Status;
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, EventArgs e) => changed.Release();
        status.Changed += OnChanged;
        try
        {
            while (!condition(status.Peers[0]))
            {
                await changed.WaitAsync(ct);
            }
        }
        finally
        {
            status.Changed -= OnChanged;
        }
    }

    private static void PrintImports(TextWriter output, DemoMesh mesh, IReadOnlyList<CatalogEntry> imports)
    {
        output.WriteLine($"   {mesh.Name} imports ({mesh.ImportsPath}):");
        foreach (var entry in imports)
        {
            var endpoints = string.Join(", ", entry.Endpoints.Select(e => $"{e.Address}:{e.Port.ToString(CultureInfo.InvariantCulture)}"));
            output.WriteLine($"     {entry.Key.Name,-16} -> {endpoints,-17} SAN {string.Join(", ", entry.SubjectAlternativeNames)}");
        }
    }

    private static string Names(IEnumerable<CatalogEntry> entries) => string.Join(",", entries.Select(e => e.Key.Name).Order(StringComparer.Ordinal));

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("The demo went wrong: " + what + ".");
        }
    }
}
