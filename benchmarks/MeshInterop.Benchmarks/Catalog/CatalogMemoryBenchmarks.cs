using System.Globalization;
using BenchmarkDotNet.Attributes;
using MeshInterop.Catalog;

namespace MeshInterop.Benchmarks.Catalog;

/// <summary>
/// Retained memory of a snapshot of typical entries. Target: 1.5 KB or less per entry. The setup measures it with
/// <see cref="GC.GetTotalMemory(bool)"/> before and after building the snapshot (entries included) and prints it to
/// the log; the benchmark itself times building a snapshot from ready entries.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CatalogMemoryBenchmarks
{
    private CatalogEntry[] _entries = null!;

    [Params(100_000)]
    public int Services { get; set; }

    /// <summary>Measures retained bytes per entry: entries, their strings and the snapshot's tree.</summary>
    public static double MeasureRetainedBytesPerEntry(int services)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var snapshot = CatalogSnapshot.Create(CatalogBenchmarkData.Entries(services));
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(snapshot);
        return (after - before) / (double)services;
    }

    [GlobalSetup]
    public void Setup()
    {
        var perEntry = MeasureRetainedBytesPerEntry(Services);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// CatalogMemory: retained {perEntry:F0} bytes per typical entry ({Services} entries)"));
        _entries = CatalogBenchmarkData.Entries(Services);
    }

    [Benchmark]
    public int CreateSnapshot() => CatalogSnapshot.Create(_entries).Count;
}
