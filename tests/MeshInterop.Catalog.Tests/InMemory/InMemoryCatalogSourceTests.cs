using MeshInterop.Catalog.InMemory;
using static MeshInterop.Catalog.Tests.CatalogSnapshotTests;

namespace MeshInterop.Catalog.Tests.InMemory;

public sealed class InMemoryCatalogSourceTests
{
    private static ServiceKey K(string key) => new(key);

    [Fact]
    public async Task WatchAsync_DefaultPaging_SendsFullStateThenChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new InMemoryCatalogSource();
        source.Publish([Entry("a"), Entry("b")]);
        await using var updates = source.WatchAsync(ct).GetAsyncEnumerator(ct);

        Assert.True(await updates.MoveNextAsync());
        var initial = updates.Current;
        source.Update([Entry("c")], [K("a")]);
        Assert.True(await updates.MoveNextAsync());
        var change = updates.Current;

        Assert.True(initial.IsFullState);
        Assert.True(initial.CompletesInitialState);
        Assert.Equal(["a", "b"], initial.Upserts.Select(e => e.Key.Name));
        Assert.False(change.IsFullState);
        Assert.Equal(["c"], change.Upserts.Select(e => e.Key.Name));
        Assert.Equal([K("a")], change.Removals);
    }

    [Fact]
    public async Task FollowAsync_PagedInitialState_PublishesOnlyOnceComplete()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new InMemoryCatalogSource { InitialStatePageSize = 2 };
        source.Publish([Entry("a"), Entry("b"), Entry("c")]);
        var store = new CatalogStore();
        store.Local.Update([Entry("stale")], []);
        using var reader = store.Local.Subscribe();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var follow = store.Local.FollowAsync(source, cts.Token);
        Assert.True(await reader.WaitToReadAsync(ct));
        Assert.True(reader.TryRead(out var initial));
        source.Update([Entry("d")], [K("a")]);
        Assert.True(await reader.WaitToReadAsync(ct));
        Assert.True(reader.TryRead(out var live));
        await cts.CancelAsync();

        // The whole initial state arrived as one revision that also swept the stale entry: never a partial state.
        Assert.Equal((1, 2), (initial.FromRevision, initial.Revision));
        Assert.Equal(["a", "b", "c"], initial.Snapshot.Select(e => e.Key.Name));
        Assert.Equal(["b", "c", "d"], live.Snapshot.Select(e => e.Key.Name));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);
    }

    [Fact]
    public async Task FollowAsync_SourceFailsBeforeInitialStateComplete_KeepsPreviousContent()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new CatalogStore();
        store.Local.Update([Entry("kept")], []);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.Local.FollowAsync(new FailingAfterFirstPage(), ct));

        Assert.Equal("registry unavailable", ex.Message);
        Assert.Equal(["kept"], store.Local.Current.Select(e => e.Key.Name));
    }

    [Fact]
    public void InitialStatePageSize_Zero_Throws()
    {
        var source = new InMemoryCatalogSource();

        Assert.Throws<ArgumentOutOfRangeException>(() => source.InitialStatePageSize = 0);
    }

    private sealed class FailingAfterFirstPage : ICatalogSource
    {
        public async IAsyncEnumerable<CatalogSourceUpdate> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return CatalogSourceUpdate.Changes([Entry("partial")], []);
            await Task.Yield();
            throw new InvalidOperationException("registry unavailable");
        }
    }
}
