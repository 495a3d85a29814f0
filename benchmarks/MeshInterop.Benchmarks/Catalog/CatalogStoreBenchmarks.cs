using BenchmarkDotNet.Attributes;
using MeshInterop.Catalog;

namespace MeshInterop.Benchmarks.Catalog;

/// <summary>
/// Apply a 1,000-change batch to a 100,000-entry store and notify subscribers (each subscriber takes its batch).
/// Target: 1 ms or less. Batches alternate between two versions, so every invocation changes 1,000 entries.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CatalogStoreBenchmarks
{
    private readonly CatalogStore _store = new();
    private CatalogEntry[] _version2 = null!;
    private CatalogEntry[] _version1 = null!;
    private CatalogChangeReader[] _readers = null!;
    private bool _flip;

    [Params(100_000)]
    public int Services { get; set; }

    [Params(4)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store.Local.Publish(CatalogBenchmarkData.Entries(Services));
        _version2 = CatalogBenchmarkData.Changed(Services, stride: Services / 1000);
        _version1 = CatalogBenchmarkData.Changed(Services, stride: Services / 1000, version: 1);
        _readers = [.. Enumerable.Range(0, Subscribers).Select(_ => _store.Local.Subscribe())];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }

    [Benchmark]
    public int ApplyBatchAndNotify()
    {
        _flip = !_flip;
        _store.Local.Update(_flip ? _version2 : _version1, []);
        var delivered = 0;
        foreach (var reader in _readers)
        {
            if (reader.TryRead(out var batch))
            {
                delivered += batch.Changes.Count;
            }
        }

        return delivered;
    }
}
