using MeshInterop.Catalog;
using MeshInterop.Conformance.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Consul.Tests.Conformance;

/// <summary>
/// The catalog source conformance suite against the Consul export source and the double: each entry is a Consul
/// service (one instance at its endpoint) selected by tag. Consul describes a service its own way (its DNS name as the
/// FQDN, instance IDs, the mesh's SNI), so equivalence compares the key and the endpoints peers dial.
/// </summary>
public sealed class ConsulExportSourceConformanceTests : CatalogSourceConformanceTests<ConsulExportSource>, IAsyncLifetime
{
    private const string ExportTag = "export";
    private FakeConsulServer? _server;
    private ConsulTestClient? _test;

    private ConsulHttpClient Client => _test!.Client;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _test?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override async Task<ConsulExportSource> CreateSourceAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _server = await FakeConsulServer.StartAsync(null, cancellationToken);
        _test = ConsulTestClient.Create(_server.Address, configure: o =>
        {
            o.WatchRateInterval = TimeSpan.FromMilliseconds(10);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        });
        await Client.DetectEditionAsync(cancellationToken);
        foreach (var entry in entries)
        {
            await AddOrUpdateAsync(entry, cancellationToken);
        }

        return new ConsulExportSource(new MeshInterop.Consul.Internal.Export.ConsulExportSource(Client, new ConsulExportOptions { ExportTag = ExportTag, TrustDomain = "7f3c1a2b.consul" },
            _test.Metrics, NullLogger<MeshInterop.Consul.Internal.Export.ConsulExportSource>.Instance));
    }

    protected override async Task AddOrUpdateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var endpoint = entry.Endpoints[0];
        Assert.True(await Client.RegisterAsync(new CatalogRegistration
        {
            Node = "node-" + entry.Key.Name,
            Address = endpoint.Address,
            Service = new AgentService { ID = entry.Key.Name, Service = entry.Key.Name, Address = endpoint.Address, Port = endpoint.Port, Tags = [ExportTag] },
            Checks = [new HealthCheck { CheckID = "service:" + entry.Key.Name, Name = "check", Status = "passing", ServiceID = entry.Key.Name }],
        }, cancellationToken));
    }

    protected override async Task RemoveAsync(ServiceKey key, CancellationToken cancellationToken) =>
        Assert.True(await Client.DeregisterAsync(new CatalogDeregistration { Node = "node-" + key.Name, ServiceID = key.Name }, cancellationToken));

    /// <summary>
    /// Adapted: Consul has one blocking query per service, each paced by its own token bucket (reference §6, rules 4
    /// and 7), so changes to different services are not ordered against each other and the suite's marker, written
    /// last, may arrive before earlier changes to other services. What the source does guarantee is checked instead:
    /// every service's states arrive in the order written (coalescing allowed), and the state converges to the registry's.
    /// </summary>
    /// <returns>A task that completes with the test.</returns>
    public override async Task WatchAsync_SequenceOfChanges_DeliversThemInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await CreateSourceAsync([], ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(60));
        var updates = source.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var state = new Dictionary<ServiceKey, CatalogEntry>();
        var delivered = new Dictionary<ServiceKey, List<CatalogEntry?>>();
        async Task ReadUntilAsync(Func<bool> condition)
        {
            while (!condition())
            {
                Assert.True(await updates.MoveNextAsync(), "The source ended.");
                var update = updates.Current;
                foreach (var removed in update.IsFullState ? state.Keys.Except(update.Upserts.Select(u => u.Key)).ToList() : update.Removals.ToList())
                {
                    state.Remove(removed);
                    Delivered(removed).Add(null);
                }

                foreach (var entry in update.Upserts)
                {
                    state[entry.Key] = entry;
                    Delivered(entry.Key).Add(entry);
                }
            }
        }

        List<CatalogEntry?> Delivered(ServiceKey key) => delivered.TryGetValue(key, out var list) ? list : delivered[key] = [];
        bool Holds(CatalogEntry entry) => state.TryGetValue(entry.Key, out var held) && AreEquivalent(entry, held);

        try
        {
            await ReadUntilAsync(() => updates.Current is not null);
            var written = new Dictionary<ServiceKey, List<CatalogEntry?>>();
            (string Name, int Generation)[] steps =
            [
                ("alpha", 1), ("alpha", 2), ("beta", 1), ("alpha", 0), ("gamma", 1), ("alpha", 3), ("beta", 2), ("gamma", 0),
                ("beta", 3), ("alpha", 4), ("beta", 0), ("gamma", 2), ("beta", 4), ("alpha", 5),
            ];
            for (var i = 0; i < steps.Length; i++)
            {
                var key = new ServiceKey(steps[i].Name);
                var entry = steps[i].Generation == 0 ? null : CreateEntry(steps[i].Name, steps[i].Generation);
                await (entry is null ? RemoveAsync(key, ct) : AddOrUpdateAsync(entry, ct));
                written[key] = [.. written.GetValueOrDefault(key) ?? [], entry];
                if (i < 8)
                {
                    // The first eight in lockstep, the rest in a burst the source may coalesce.
                    await ReadUntilAsync(() => entry is null ? !state.ContainsKey(key) : Holds(entry));
                }
            }

            var final = written.Select(w => w.Value[^1]).OfType<CatalogEntry>().ToList();
            await ReadUntilAsync(() => state.Count == final.Count && final.All(Holds));
            foreach (var (key, history) in written)
            {
                var next = 0;
                foreach (var seen in delivered.GetValueOrDefault(key) ?? [])
                {
                    // Each delivered state must be a written one, found at or after the previous delivered state.
                    while (next < history.Count && !(seen is null ? history[next] is null : history[next] is { } h && AreEquivalent(h, seen)))
                    {
                        next++;
                    }

                    Assert.True(next < history.Count, $"'{key}' was delivered out of order or in a state never written.");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await updates.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting: expected.
            }
        }
    }

    protected override bool AreEquivalent(CatalogEntry written, CatalogEntry delivered)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(delivered);
        return written.Key == delivered.Key
            && written.Endpoints.Select(e => (e.Address, e.Port)).ToHashSet().SetEquals(delivered.Endpoints.Select(e => (e.Address, e.Port)));
    }
}
