using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;

namespace MeshInterop.Benchmarks.Catalog;

/// <summary>
/// The import view of 10 peers × 10,000 typical entries (2 endpoints, 1 instance, 5 labels). Targets (issue 4):
/// rebuilding the whole view ≤ 30 ms; one incremental one-entry change ≤ 10 µs. Baselines: the same work done by
/// a plain dictionary keyed by local name, with no naming checks, collisions or change tracking.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ImportViewBenchmarks
{
    private const int Peers = 10;
    private const int EntriesPerPeer = 10_000;

    private readonly TimeProvider _time = TimeProvider.System;
    private string[] _peers = null!;
    private CatalogEntry[][] _entries = null!;
    private ImportView _view = null!;
    private CatalogEntry[] _variants = null!;
    private Dictionary<string, CatalogEntry> _dictionary = null!;
    private int _flip;

    [GlobalSetup]
    public void Setup()
    {
        _peers = [.. Enumerable.Range(0, Peers).Select(p => "peer-" + p.ToString(CultureInfo.InvariantCulture))];
        _entries = [.. _peers.Select(peer => Enumerable.Range(0, EntriesPerPeer).Select(i => TypicalEntry(peer, i, "10.0.0.1")).ToArray())];
        _view = Rebuild();
        _dictionary = DictionaryRebuild();

        // Two versions of one entry that differ in an endpoint: every incremental step is a real change.
        _variants = [TypicalEntry(_peers[3], 4_321, "10.0.0.2"), TypicalEntry(_peers[3], 4_321, "10.0.0.1")];
        foreach (var variant in _variants)
            _ = variant.ContentHash;   // as after validation, where a received entry's hash is computed once
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Rebuild")]
    public int RebuildDictionaryBaseline() => DictionaryRebuild().Count;

    [Benchmark, BenchmarkCategory("Rebuild")]
    public int RebuildView() => Rebuild().Count;

    // The rebuild as the import path runs it: every projected entry is also built, for the store.
    [Benchmark, BenchmarkCategory("Rebuild")]
    public int RebuildViewAndProject()
    {
        var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        var projected = 0;
        for (var p = 0; p < _peers.Length; p++)
            projected += view.UpsertRange(_peers[p], _entries[p]).Upserted.Length;
        return projected;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Incremental")]
    public int IncrementalDictionaryBaseline()
    {
        var entry = _variants[_flip ^= 1];
        _dictionary[string.Concat(_peers[3], "-", entry.Name)] = entry;
        return _dictionary.Count;
    }

    [Benchmark, BenchmarkCategory("Incremental")]
    public int IncrementalUpsert() => _view.Upsert(_peers[3], _variants[_flip ^= 1]).Upserted.Length;   // reads, so builds, the projection

    private ImportView Rebuild()
    {
        var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        for (var p = 0; p < _peers.Length; p++)
            view.UpsertRange(_peers[p], _entries[p]);
        return view;
    }

    private Dictionary<string, CatalogEntry> DictionaryRebuild()
    {
        var dictionary = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        for (var p = 0; p < _peers.Length; p++)
            foreach (var entry in _entries[p])
                dictionary[string.Concat(_peers[p], "-", entry.Name)] = entry;
        return dictionary;
    }

    private static CatalogEntry TypicalEntry(string peer, int index, string firstAddress)
    {
        var name = "svc-" + index.ToString(CultureInfo.InvariantCulture);
        return new CatalogEntry
        {
            Key = new ServiceKey(name),
            Name = name,
            Fqdn = name + "." + peer + ".mesh.example",
            Labels = StringMap.Create(
                new KeyValuePair<string, string>("app", name),
                new KeyValuePair<string, string>("version", "v1"),
                new KeyValuePair<string, string>("team", "platform"),
                new KeyValuePair<string, string>("tier", "backend"),
                new KeyValuePair<string, string>("region", "eu-west")),
            SubjectAlternativeNames = ["spiffe://" + peer + ".example/ns/default/sa/" + name],
            Ports = [new ServicePort { Name = "http", Port = 8080, Protocol = ServiceProtocols.Http }],
            Endpoints =
            [
                new CatalogEndpoint { Address = firstAddress, Port = 15443, Labels = ["zone-a"] },
                new CatalogEndpoint { Address = "10.0.1.1", Port = 15443, Labels = ["zone-b"] },
            ],
            Instances =
            [
                new CatalogInstance
                {
                    Id = name + "-v1",
                    Protocol = ServiceProtocols.Http,
                    EndpointSelector = ["zone-a", "zone-b"],
                    Metadata = StringMap.Create(new KeyValuePair<string, string>("PORT", "8080")),
                },
            ],
        };
    }
}
