// The two-mesh federation story, end to end on loopback, with nothing to install:
// a VM-style mesh (consul.example) and a Kubernetes-style mesh (nsxsm.example) authenticate each other
// with SPIFFE mTLS, export their services over Hamlet, import each other's under prefixed names, and
// follow every change, a refused stranger and an agent restart.
using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Samples.FederationDemo;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
var ct = timeout.Token;
var now = TimeProvider.System.GetUtcNow();

Step("1. Two trust domains, each with a development CA and an agent SVID");
using var consulCa = new DevelopmentCa("consul.example", now);
using var nsxsmCa = new DevelopmentCa("nsxsm.example", now);
var bundles = new InMemoryBundleSource(BundleSet.Empty
    .With(new X509Bundle(TrustDomain.Parse(consulCa.TrustDomain), [consulCa.Certificate]))
    .With(new X509Bundle(TrustDomain.Parse(nsxsmCa.TrustDomain), [nsxsmCa.Certificate])));
await using var consul = new Mesh("consul", consulCa, bundles, now);
await using var nsxsm = new Mesh("nsxsm", nsxsmCa, bundles, now);
Console.WriteLine($"   consul mesh agent: {consul.Agent}");
Console.WriteLine($"   nsxsm mesh agent:  {nsxsm.Agent}");
Console.WriteLine("   Each bundle set holds one bundle per trust domain; a peer is verified against its own trust domain's bundle only.");

Step("2. Each mesh exports its registry over Hamlet on an mTLS listener");
consul.Store.Local.Publish([Service("web", "consul.example", "192.0.2.10"), Service("api", "consul.example", "192.0.2.10")]);
nsxsm.Store.Local.Publish([Service("httpbin", "nsxsm.example", "198.51.100.20")]);
await consul.StartOwnerAsync("nsxsm", nsxsm.Agent, 0, ct);
await nsxsm.StartOwnerAsync("consul", consul.Agent, 0, ct);
Console.WriteLine($"   consul owner: {consul.Address} exports {Names(consul.Store.Local.Current)}");
Console.WriteLine($"   nsxsm owner:  {nsxsm.Address} exports {Names(nsxsm.Store.Local.Current)}");

Step("3. Control channels in both directions; each mesh's import view");
await consul.StartConsumerAsync("nsxsm", nsxsm.Address!, nsxsm.Agent, ct);
await nsxsm.StartConsumerAsync("consul", consul.Address!, consul.Agent, ct);
await consul.WaitForImportsAsync(imports => imports.Count == 1, ct);
await nsxsm.WaitForImportsAsync(imports => imports.Count == 2, ct);
PrintImports(consul);
PrintImports(nsxsm);

Step("4. Changes in one mesh arrive in the other");
await Measure("nsxsm adds 'headers'", () => nsxsm.Store.Local.Update([Service("headers", "nsxsm.example", "198.51.100.20")], []),
    consul, imports => imports.Any(e => e.Key.Name == "nsxsm-headers"));
await Measure("nsxsm moves 'httpbin' to a new ingress", () => nsxsm.Store.Local.Update([Service("httpbin", "nsxsm.example", "198.51.100.99")], []),
    consul, imports => imports.Any(e => e.Key.Name == "nsxsm-httpbin" && e.Endpoints[0].Address == "198.51.100.99"));
await Measure("nsxsm removes 'headers'", () => nsxsm.Store.Local.Update([], [new ServiceKey("headers")]),
    consul, imports => imports.All(e => e.Key.Name != "nsxsm-headers"));

Step("5. A stranger is refused");
var rogueId = SpiffeId.Parse("spiffe://consul.example/rogue");
var rogueTls = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(consulCa.IssueSvid(rogueId.Path.ToString(), now))), new X509SvidValidator(bundles), SpiffeAuthorizer.Exact(nsxsm.Agent));
using (var rogueChannel = GrpcChannel.ForAddress(nsxsm.Address!, new GrpcChannelOptions { HttpHandler = rogueTls.CreateHttpHandler() }))
{
    var refused = new TaskCompletionSource<HamletConsumerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
    await using var rogue = new HamletConsumer(new HamletConsumerOptions { PeerName = "nsxsm" }, rogueChannel.CreateCallInvoker(), NoImports.Instance, TimeProvider.System);
    rogue.StatusChanged += (_, status) =>
    {
        if (status.State == HamletConsumerState.Failed)
        {
            refused.TrySetResult(status);
        }
    };
    await rogue.StartAsync(ct);
    var status = await refused.Task.WaitAsync(ct);
    Console.WriteLine($"   {rogueId} (valid SVID, wrong identity) -> {status.LastError}");
}

Step("6. The nsxsm agent restarts; meanwhile 'httpbin' is removed and 'status' added");
var port = nsxsm.Address!.Port;
await nsxsm.StopOwnerAsync();
await consul.WaitForImportsAsync(_ => consul.Consumer!.Status.State == HamletConsumerState.WaitingToRetry, ct);
Console.WriteLine($"   consul sees: {consul.Consumer!.Status.LastError}; its imports stay: {Names(consul.ImportView.GetEntries())}");
nsxsm.Store.Local.Update([Service("status", "nsxsm.example", "198.51.100.20")], [new ServiceKey("httpbin")]);
var restart = Stopwatch.StartNew();
await nsxsm.StartOwnerAsync("consul", consul.Agent, port, ct);
await consul.WaitForImportsAsync(imports => imports.Count == 1 && imports[0].Key.Name == "nsxsm-status", ct);
Console.WriteLine($"   reconnected and converged {restart.ElapsedMilliseconds} ms after the restart; nothing stale:");
PrintImports(consul);

Step("Done: two meshes federated over Hamlet with SPIFFE mTLS in both directions.");
return 0;

static CatalogEntry Service(string name, string trustDomain, string ingress) => new()
{
    Key = new ServiceKey(name),
    Name = name,
    Fqdn = $"{name}.{trustDomain}",
    SubjectAlternativeNames = [$"spiffe://{trustDomain}/ns/default/sa/{name}"],
    Endpoints = [new CatalogEndpoint { Address = ingress, Port = 15443 }],
    Instances = [new CatalogInstance { Id = name + "-v1", Protocol = "HTTP", Metadata = StringMap.Create([new("SNI", $"{name}.{trustDomain}")]) }],
};

static string Names(IEnumerable<CatalogEntry> entries) => string.Join(", ", entries.Select(e => e.Key.Name).Order(StringComparer.Ordinal));

static void Step(string title) => Console.WriteLine($"{Environment.NewLine}== {title}");

static void PrintImports(Mesh mesh)
{
    Console.WriteLine($"   {mesh.Name} imports:");
    foreach (var entry in mesh.ImportView.GetEntries().OrderBy(e => e.Key.Name, StringComparer.Ordinal))
    {
        var endpoints = string.Join(", ", entry.Endpoints.Select(e => $"{e.Address}:{e.Port.ToString(CultureInfo.InvariantCulture)}"));
        Console.WriteLine($"     {entry.Key.Name,-16} -> {endpoints,-22} SAN {string.Join(", ", entry.SubjectAlternativeNames)}");
    }
}

async Task Measure(string change, Action apply, Mesh observer, Func<IReadOnlyList<CatalogEntry>, bool> arrived)
{
    var clock = Stopwatch.StartNew();
    apply();
    await observer.WaitForImportsAsync(arrived, ct);
    Console.WriteLine($"   {change,-42} seen by {observer.Name} after {clock.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms");
}
