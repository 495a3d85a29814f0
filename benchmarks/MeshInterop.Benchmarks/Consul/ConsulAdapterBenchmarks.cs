using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MeshInterop.Catalog;
using MeshInterop.Consul;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Export;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Telemetry;
using MeshInterop.Consul.Tests.ConsulDouble;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

// The Consul test double is compiled in from the test project, where CA1507 is off: it writes Consul's JSON field names as literals.
[assembly: SuppressMessage("Usage", "CA1507:Use nameof to express symbol names", Scope = "namespaceanddescendants", Target = "~N:MeshInterop.Consul.Tests.ConsulDouble", Justification = "Consul's JSON field names are literals.")]

namespace MeshInterop.Benchmarks.Consul;

/// <summary>
/// Whole operations measured once per iteration, in process: building BenchmarkDotNet's generated project exceeds its
/// 120 s build timeout on the shared 2-core machine, and an operation of milliseconds to seconds needs no unrolling.
/// </summary>
internal sealed class ConsulBenchmarkConfig : ManualConfig
{
    public ConsulBenchmarkConfig() =>
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(8)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcessMonitoring"));
}

/// <summary>A Consul client wired as the package wires it, against the in-process double.</summary>
internal sealed class ConsulBench : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HttpClient _http;

    public ConsulBench(Uri address, Action<ConsulClientOptions>? configure = null)
    {
        var options = new ConsulClientOptions { Address = address };
        configure?.Invoke(options);
        _http = new HttpClient(ConsulHttpHandlerFactory.Create(options)) { Timeout = Timeout.InfiniteTimeSpan };
        Metrics = new ConsulMetrics(_services.GetRequiredService<IMeterFactory>());
        Client = new ConsulHttpClient(_http, options, TimeProvider.System, Metrics, NullLogger<ConsulHttpClient>.Instance);
    }

    public ConsulHttpClient Client { get; }

    public ConsulMetrics Metrics { get; }

    public void Dispose()
    {
        _http.Dispose();
        _services.Dispose();
    }
}

/// <summary>
/// Importing many services into an empty Consul (the double, over real HTTP on loopback): one full reconcile writes a
/// node per peer and, per service, its instance and check, in /v1/txn batches of at most 64 operations.
/// Target (issue): 10,000 services in 5 s or less.
/// </summary>
[Config(typeof(ConsulBenchmarkConfig))]
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet disposes them in [IterationCleanup].")]
public class ConsulImportBenchmarks
{
    private FakeConsulServer? _server;
    private ConsulBench? _bench;
    private ConsulImportSink? _sink;
    private CatalogSnapshot _desired = CatalogSnapshot.Empty;

    [Params(1_000, 10_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _desired = CatalogSnapshot.Create(Enumerable.Range(0, Services).Select(i =>
        {
            var peer = "peer" + (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var name = "svc" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            return new CatalogEntry
            {
                Key = new ServiceKey(peer + "-" + name),
                Name = peer + "-" + name,
                Fqdn = name + "." + peer + ".mesh.example",
                Sni = name + "." + peer + ".mesh.example",
                Endpoints = [new CatalogEndpoint { Address = "gw." + peer + ".example.net", Port = 8443 }],
                Health = ServiceHealth.Passing,
                Origin = CatalogOrigin.FromPeer(peer, new ServiceKey(name)),
            };
        }));

    [IterationSetup]
    public void StartEmptyConsul()
    {
        _server = FakeConsulServer.StartAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        _bench = new ConsulBench(_server.Address);
        _bench.Client.DetectEditionAsync(CancellationToken.None).GetAwaiter().GetResult();
        _sink = new ConsulImportSink(_bench.Client, new ConsulImportOptions { OwnerId = "mi-bench" }, _bench.Metrics, NullLogger<ConsulImportSink>.Instance);
    }

    [Benchmark]
    public Task ReconcileIntoEmptyConsul() => _sink!.ReconcileAsync(_desired, CancellationToken.None);

    [IterationCleanup]
    public void StopConsul()
    {
        _sink!.Dispose();
        _bench!.Dispose();
        _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Steady-state cost of watching exported services that do not change: every parked blocking query of the export source
/// (one per exported service, plus the selection and gateway watches) is woken without a change, as a wait timeout or an
/// unrelated write would, and the benchmark ends when all of them are parked again. Each wake-up costs one HTTP answer,
/// a body hash and a comparison, and emits nothing. The double serves in the same process, so its cost is included.
/// </summary>
[Config(typeof(ConsulBenchmarkConfig))]
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet disposes them in [GlobalCleanup].")]
public class ConsulWatchSteadyStateBenchmarks
{
    private FakeConsulServer? _server;
    private ConsulBench? _bench;
    private CancellationTokenSource? _stop;
    private Task? _watching;
    private int _watches;

    [Params(1_000)]
    public int ExportedServices { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = FakeConsulServer.StartAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        _server.Commit(store =>
        {
            foreach (var i in Enumerable.Range(0, ExportedServices))
            {
                var index = store.NextIndex();
                var name = "svc" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
                var node = "app-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
                store.Nodes[node] = new StoredNode(node, "10.1." + (i / 250).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (i % 250 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new(StringComparer.Ordinal), new(StringComparer.Ordinal), index, index);
                store.Services[ConsulDoubleStore.ServiceKey(node, name)] = new StoredService(node, name, name, string.Empty, ["export"], new(StringComparer.Ordinal),
                    string.Empty, 8080, new(), 1, 1, "default", index, index);
                store.TouchService(name, index);
                store.Touch(ConsulDoubleStore.NodesTable, index);
            }
        });

        // The pace allows a wake-up round every 10 ms, so the benchmark measures work, not the token bucket.
        _bench = new ConsulBench(_server.Address, o =>
        {
            o.WatchRateInterval = TimeSpan.FromMilliseconds(10);
            o.MaxConnections = ExportedServices + 64;
        });
        var source = new ConsulExportSource(_bench.Client, new ConsulExportOptions { ExportTag = "export", TrustDomain = "7f3c1a2b.consul" }, _bench.Metrics,
            NullLogger<ConsulExportSource>.Instance);
        _stop = new CancellationTokenSource();
        var initial = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watching = Task.Run(async () =>
        {
            await foreach (var update in source.WatchAsync(_stop.Token))
            {
                if (update.IsFullState)
                {
                    initial.TrySetResult();
                }
            }
        });
        initial.Task.GetAwaiter().GetResult();

        // One health watch per exported service, the service list and the mesh gateways.
        _watches = ExportedServices + 2;
        _server.WaitForParkedTotalAsync(_watches, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task WakeEveryWatchWithoutAChange()
    {
        var target = _server!.ParkedTotal + _watches;
        _server.ReleaseParked();
        await _server.WaitForParkedTotalAsync(target, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop!.Cancel();
        try
        {
            _watching!.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _bench!.Dispose();
        _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stop.Dispose();
    }
}
