using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Benchmarks.Protocol;

/// <summary>
/// A dedicated measured run over the same loopback mTLS setup as <see cref="HamletSyncBenchmarks"/> (10,000 exported
/// services): the latency distribution of one change from the owner's store to the consumer's handler, sustained
/// updates per second, and memory per idle subscriber. BenchmarkDotNet reports means of iterations; these targets
/// need a per-change distribution. Run: <c>dotnet run -c Release --project benchmarks/MeshInterop.Benchmarks -- hamlet-measure</c>.
/// </summary>
internal static class HamletMeasurements
{
    public static async Task RunAsync()
    {
        Console.WriteLine("| Figure | Window 1 | Window 64 |");
        Console.WriteLine("|---|---|---|");
        var latency = new Dictionary<int, double[]>();
        var throughput = new Dictionary<int, (double Published, double Applied)>();
        foreach (var window in new[] { 1, 64 })
        {
            var bench = new HamletSyncBenchmarks { Window = window };
            await bench.StartOwnerAsync();
            try
            {
                latency[window] = await LatencyAsync(bench);
                throughput[window] = await ThroughputAsync(bench);
            }
            finally
            {
                await bench.StopOwnerAsync();
            }
        }

        foreach (var (label, p) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Propagation latency {label} (ms) | {Percentile(latency[1], p):0.000} | {Percentile(latency[64], p):0.000} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Sustained updates/s (published, until converged) | {throughput[1].Published:N0} | {throughput[64].Published:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Responses applied/s (after per-key coalescing) | {throughput[1].Applied:N0} | {throughput[64].Applied:N0} |"));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Baseline: catalog store updates/s with no subscriber | {StoreOnly():N0} | |"));

        var memory = new HamletSyncBenchmarks { Window = 64 };
        await memory.StartOwnerAsync();
        try
        {
            var perSubscriber = await MemoryPerSubscriberAsync(memory, subscribers: 20);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Memory per idle subscriber, 10,000-service catalog, owner and consumer sides together (KiB) | | {perSubscriber / 1024:N0} |"));
        }
        finally
        {
            await memory.StopOwnerAsync();
        }
    }

    private static async Task<double[]> LatencyAsync(HamletSyncBenchmarks bench)
    {
        const int warmup = 300, measured = 3000;
        var handler = new HamletSyncBenchmarks.CountingHandler(10_000);
        await using var consumer = bench.Connect(handler, out var channel);
        using var owned = channel;
        await consumer.StartAsync(CancellationToken.None);
        await handler.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var samples = new double[measured];
        var revision = 1_000_000;
        for (var i = 0; i < warmup + measured; i++)
        {
            var arrived = handler.ExpectChange();
            var start = Stopwatch.GetTimestamp();
            bench.Store.Local.Update([HamletSyncBenchmarks.Service("svc" + (i % 10_000).ToString(CultureInfo.InvariantCulture), ++revision)], []);
            await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            if (i >= warmup)
            {
                samples[i - warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Array.Sort(samples);
        return samples;
    }

    private static async Task<(double Published, double Applied)> ThroughputAsync(HamletSyncBenchmarks bench)
    {
        const int updates = 50_000;
        var handler = new SentinelHandler();
        await using var consumer = bench.Connect(handler, out var channel);
        using var owned = channel;
        await consumer.StartAsync(CancellationToken.None);
        await handler.SnapshotApplied.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var appliedBefore = handler.Applied;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < updates; i++)
        {
            bench.Store.Local.Update([HamletSyncBenchmarks.Service("svc" + (i % 10_000).ToString(CultureInfo.InvariantCulture), 2_000_000 + i)], []);
        }

        // A new key queues behind every pending change: once it arrives, everything before it has been applied.
        bench.Store.Local.Update([HamletSyncBenchmarks.Service("sentinel" + bench.Window.ToString(CultureInfo.InvariantCulture), 0)], []);
        await handler.WaitForAsync("sentinel" + bench.Window.ToString(CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (updates / seconds, (handler.Applied - appliedBefore) / seconds);
    }

    private static async Task<long> MemoryPerSubscriberAsync(HamletSyncBenchmarks bench, int subscribers)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var consumers = new List<(HamletConsumer Consumer, GrpcChannel Channel)>();
        for (var i = 0; i < subscribers; i++)
        {
            var handler = new HamletSyncBenchmarks.CountingHandler(10_000);
            var consumer = bench.Connect(handler, out var channel);
            await consumer.StartAsync(CancellationToken.None);
            await handler.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));
            consumers.Add((consumer, channel));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var (consumer, channel) in consumers)
        {
            await consumer.DisposeAsync();
            channel.Dispose();
        }

        return (after - before) / subscribers;
    }

    /// <summary>The same 50,000 updates into a store of 10,000 services with nobody subscribed: the ceiling the store sets.</summary>
    private static double StoreOnly()
    {
        var store = new CatalogStore();
        store.Local.Publish(Enumerable.Range(0, 10_000).Select(i => HamletSyncBenchmarks.Service("svc" + i.ToString(CultureInfo.InvariantCulture), 0)));
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < 50_000; i++)
        {
            store.Local.Update([HamletSyncBenchmarks.Service("svc" + (i % 10_000).ToString(CultureInfo.InvariantCulture), 1 + i)], []);
        }

        return 50_000 / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>Counts applied upserts and signals when a given key arrives.</summary>
    private sealed class SentinelHandler : IHamletImportHandler
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
        private long _applied;

        public long Applied => Interlocked.Read(ref _applied);

        public TaskCompletionSource SnapshotApplied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WaitForAsync(string key, TimeSpan timeout)
        {
            lock (_gate)
            {
                if (!_waiting.TryGetValue(key, out var waiter))
                {
                    _waiting[key] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return waiter.Task.WaitAsync(timeout);
            }
        }

        public ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _applied) == 10_000)
            {
                SnapshotApplied.TrySetResult();
            }

            lock (_gate)
            {
                if (!_waiting.TryGetValue(entry.Key.Name, out var waiter))
                {
                    _waiting[entry.Key.Name] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                waiter.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
