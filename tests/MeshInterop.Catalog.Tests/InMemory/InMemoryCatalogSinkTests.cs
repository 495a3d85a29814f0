using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.InMemory;
using static MeshInterop.Catalog.Tests.CatalogSnapshotTests;

namespace MeshInterop.Catalog.Tests.InMemory;

public sealed class InMemoryCatalogSinkTests
{
    [Fact]
    public async Task ApplyAsync_SameBatchTwice_IsIdempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new InMemoryCatalogSink();
        var diff = CatalogDiff.Create([CatalogChange.Added(Entry("a")), CatalogChange.Added(Entry("b"))]);

        await sink.ApplyAsync(diff, ct);
        var afterFirst = sink.Current;
        await sink.ApplyAsync(diff, ct);

        Assert.Same(afterFirst, sink.Current);
        Assert.Equal(["a", "b"], sink.Current.Select(e => e.Key.Name));
        Assert.Equal(2, sink.AppliedBatches);
    }

    [Fact]
    public async Task ApplyAsync_OldEntriesStale_StillReachesNewState()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new InMemoryCatalogSink();
        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Added(Entry("a", "drifted"))]), ct);

        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Updated(Entry("a", "v1"), Entry("a", "v2")), CatalogChange.Removed(Entry("gone"))]), ct);

        Assert.Equal("v2", Assert.Single(sink.Current).Description);
    }

    [Fact]
    public async Task ReconcileAsync_DesiredState_ReplacesEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new InMemoryCatalogSink();
        await sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Added(Entry("a")), CatalogChange.Added(Entry("b"))]), ct);

        await sink.ReconcileAsync(CatalogSnapshot.Create([Entry("b", "v2"), Entry("c")]), ct);

        Assert.Equal([("b", "v2"), ("c", "")], sink.Current.Select(e => (e.Key.Name, e.Description)));
        Assert.Equal(1, sink.Reconciliations);
    }

    [Fact]
    public async Task ApplyAsync_Cancelled_AppliesNothing()
    {
        var sink = new InMemoryCatalogSink();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.ApplyAsync(CatalogDiff.Create([CatalogChange.Added(Entry("a"))]), cts.Token));

        Assert.Empty(sink.Current);
    }
}
