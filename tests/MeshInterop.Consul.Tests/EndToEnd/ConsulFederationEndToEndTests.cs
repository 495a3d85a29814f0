using System.Net;
using System.Net.Sockets;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using MeshInterop.Federation;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Tests.EndToEnd;

/// <summary>
/// Two Consul datacenters (each a double) federated by two agents over SPIFFE mTLS on loopback, hosted as a user hosts
/// them: <c>AddMeshFederation().AddConsul()</c>, <c>ListenMeshFederation()</c>, <c>MapMeshFederation()</c>. What one
/// datacenter exports appears, renamed, on the other's synthetic node and follows every change, through a fault.
/// </summary>
public sealed class ConsulFederationEndToEndTests
{
    private const string ExportTag = "federate";

    private static async Task RegisterAsync(FakeConsulServer consul, string node, string address, string service, string id, int port)
    {
        using var client = ConsulTestClient.Create(consul.Address);
        await client.Client.RegisterAsync(new CatalogRegistration
        {
            Node = node,
            Address = address,
            Service = new AgentService { ID = id, Service = service, Port = port, Tags = [ExportTag] },
            Checks = [new HealthCheck { CheckID = "service:" + id, Name = "alive", Status = "passing", ServiceID = id }],
        }, TestContext.Current.CancellationToken);
    }

    private static async Task DeregisterAsync(FakeConsulServer consul, string node, string id)
    {
        using var client = ConsulTestClient.Create(consul.Address);
        await client.Client.DeregisterAsync(new CatalogDeregistration { Node = node, ServiceID = id }, TestContext.Current.CancellationToken);
    }

    private static List<StoredService> Imported(ConsulDoubleStore store, string fromPeer) =>
        [.. store.Services.Values.Where(s => string.Equals(s.Node, "meshinterop-" + fromPeer, StringComparison.Ordinal)).OrderBy(s => s.Id, StringComparer.Ordinal)];

    [Fact(Timeout = 90_000)]
    public async Task TwoConsulDatacenters_FederateBothWays_AndConvergeExactlyThroughAFault()
    {
        await using var consulA = await FakeConsulServer.StartAsync(null, TestContext.Current.CancellationToken);
        await using var consulB = await FakeConsulServer.StartAsync(null, TestContext.Current.CancellationToken);
        await RegisterAsync(consulA, "app-01", "10.20.0.7", "orders", "orders-1", 9090);
        await RegisterAsync(consulB, "app-02", "10.30.0.9", "billing", "billing-1", 8080);
        await using var a = new ConsulAgent("mesh-a", consulA);
        await using var b = new ConsulAgent("mesh-b", consulB);
        a.Peer(b);
        b.Peer(a);

        await a.StartAsync(TestContext.Current.CancellationToken);
        await b.StartAsync(TestContext.Current.CancellationToken);

        // Each side's export lands on the other side's synthetic node, renamed <peer>-<service>, with a passing check.
        await consulB.WaitForStoreAsync(s => Imported(s, "mesh-a").Any(i => i.Name == "mesh-a-orders"), TestContext.Current.CancellationToken);
        await consulA.WaitForStoreAsync(s => Imported(s, "mesh-b").Any(i => i.Name == "mesh-b-billing"), TestContext.Current.CancellationToken);
        lock (consulB.Store.Gate)
        {
            var orders = Assert.Single(Imported(consulB.Store, "mesh-a"));
            Assert.Equal(("mesh-a-orders", "10.20.0.7", 9090), (orders.Name, orders.Address, orders.Port));
            Assert.Equal(("mesh-a", "mi-mesh-b", "meshinterop"), (orders.Meta["meshinterop-peer"], orders.Meta["meshinterop-owner"], orders.Meta["external-source"]));
            Assert.Equal("passing", consulB.Store.Checks.Values.Single(c => c.ServiceId == orders.Id).Status);
            Assert.Equal("mi-mesh-b", consulB.Store.Nodes["meshinterop-mesh-a"].Meta["meshinterop-owner"]);
        }

        // A fault on B's Consul: the next import write is rate-limited; the agent retries and B converges exactly.
        consulB.Faults.FailNext("/v1/txn", 503, ConsulTexts.WriteRateLimit);
        await RegisterAsync(consulA, "app-03", "10.20.0.8", "orders", "orders-2", 9090);
        await consulB.WaitForStoreAsync(s => Imported(s, "mesh-a").Count == 2, TestContext.Current.CancellationToken);
        lock (consulB.Store.Gate)
        {
            Assert.Equal(["10.20.0.7", "10.20.0.8"], Imported(consulB.Store, "mesh-a").Select(i => i.Address).Order(StringComparer.Ordinal));
        }

        // The loop guard: A's imports are never exported back, so B never imports B's own billing again.
        await DeregisterAsync(consulA, "app-03", "orders-2");
        await consulB.WaitForStoreAsync(s => Imported(s, "mesh-a").Count == 1, TestContext.Current.CancellationToken);
        lock (consulB.Store.Gate)
        {
            Assert.DoesNotContain(consulB.Store.Services.Values, s => s.Name.Contains("billing", StringComparison.Ordinal) && s.Node != "app-02");
        }

        // Withdrawn everywhere: B's node for A goes away with the last import.
        await DeregisterAsync(consulA, "app-01", "orders-1");
        await consulB.WaitForStoreAsync(s => !s.Nodes.ContainsKey("meshinterop-mesh-a"), TestContext.Current.CancellationToken);
        lock (consulA.Store.Gate)
        {
            Assert.Equal(["mesh-b-billing"], Imported(consulA.Store, "mesh-b").Select(i => i.Name));
        }
    }

    /// <summary>One mesh's agent on its own Consul datacenter.</summary>
    private sealed class ConsulAgent(string name, FakeConsulServer consul) : IAsyncDisposable
    {
        private readonly List<Action<MeshFederationOptions>> _peers = [];
        private WebApplication? _app;

        public string Name { get; } = name;

        public string TrustDomain => Name + ".example";

        public TestCertificateAuthority Authority { get; } = TestCertificateAuthority.CreateRoot(name + ".example");

        public int Port { get; } = ReservePort();

        public ConsulAgent Peer(ConsulAgent peer)
        {
            _peers.Add(options =>
            {
                var entry = new MeshFederationPeerOptions
                {
                    Name = peer.Name,
                    Address = $"https://127.0.0.1:{peer.Port}",
                    TrustDomain = peer.TrustDomain,
                    AgentSpiffeId = $"spiffe://{peer.TrustDomain}/meshinterop/agent",
                };
                entry.TrustBundle.Pem = peer.Authority.Certificate.ExportCertificatePem();
                options.Peers.Add(entry);
            });
            return this;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(Authority.IssueSvid("/meshinterop/agent").Leaf)));
            builder.Services
                .AddMeshFederation(options =>
                {
                    options.MeshName = Name;
                    options.TrustDomain = TrustDomain;
                    options.ListenEndpoint = $"127.0.0.1:{Port}";
                    options.Exports.Allow.Add(new() { Names = { "*" } });
                    _peers.ForEach(p => p(options));
                })
                .AddConsul(o =>
                {
                    o.Address = consul.Address;
                    o.WatchRateInterval = TimeSpan.FromMilliseconds(10);
                    o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                });
            builder.Services.Configure<ConsulExportOptions>(o => o.ExportTag = ExportTag);
            builder.Services.Configure<ConsulImportOptions>(o => o.OwnerId = "mi-" + Name);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenMeshFederation());
            _app = builder.Build();
            _app.MapMeshFederation();
            await _app.StartAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync(CancellationToken.None);
                await _app.DisposeAsync();
            }

            Authority.Dispose();
        }

        // Each agent must know its peer's address before either starts: take a free port from the system and hand it to Kestrel.
        private static int ReservePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
