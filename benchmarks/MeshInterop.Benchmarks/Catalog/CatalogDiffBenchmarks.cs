using BenchmarkDotNet.Attributes;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Benchmarks.Catalog;

/// <summary>
/// Diff of two 100,000-entry catalogs with 1% changed. Targets: one lineage 2 ms or less (walks the recorded
/// changes); unrelated snapshots 20 ms or less (key-ordered merge, content hash first).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CatalogDiffBenchmarks
{
    private CatalogSnapshot _before = null!;
    private CatalogSnapshot _afterSameLineage = null!;
    private CatalogSnapshot _unrelatedBefore = null!;
    private CatalogSnapshot _unrelatedAfter = null!;

    [Params(100_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _before = CatalogSnapshot.Create(CatalogBenchmarkData.Entries(Services));

        // 1% changed, written as ten revisions of 100 changes, so the diff coalesces across revisions.
        var changed = CatalogBenchmarkData.Changed(Services, stride: 100);
        _afterSameLineage = _before;
        foreach (var chunk in changed.Chunk(changed.Length / 10))
        {
            _afterSameLineage = _afterSameLineage.Update(chunk, []);
        }

        // Built separately: no shared entry instances, as after a restart or from two peers.
        _unrelatedBefore = CatalogSnapshot.Create(CatalogBenchmarkData.Entries(Services));
        _unrelatedAfter = CatalogSnapshot.Create(CatalogBenchmarkData.Entries(Services)).Update(CatalogBenchmarkData.Changed(Services, stride: 100), []);

        // Content hashes are cached per entry; the steady state (entries hashed once when first compared) is measured.
        _ = CatalogDiffer.Diff(_unrelatedBefore, _unrelatedAfter);
    }

    [Benchmark(Baseline = true)]
    public int DiffUnrelated() => CatalogDiffer.Diff(_unrelatedBefore, _unrelatedAfter).Count;

    [Benchmark]
    public int DiffSameLineage() => CatalogDiffer.Diff(_before, _afterSameLineage).Count;
}
