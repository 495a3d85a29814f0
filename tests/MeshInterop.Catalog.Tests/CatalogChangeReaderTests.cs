using CsCheck;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Tests.Generators;
using static MeshInterop.Catalog.Tests.CatalogSnapshotTests;

namespace MeshInterop.Catalog.Tests;

public sealed class CatalogChangeReaderTests
{
    private static ServiceKey K(string key) => new(key);

    [Fact]
    public void Subscribe_AfterWrites_StartsAtCurrentSnapshot()
    {
        var store = new CatalogStore();
        store.Local.Update([Entry("a")], []);

        using var reader = store.Local.Subscribe();

        Assert.Same(store.Local.Current, reader.Snapshot);
        Assert.Equal(1, reader.Revision);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void TryRead_ReaderKeptUp_ReceivesOneBatchPerWrite()
    {
        var store = new CatalogStore();
        using var reader = store.Local.Subscribe();

        store.Local.Update([Entry("a")], []);
        Assert.True(reader.TryRead(out var first));
        store.Local.Update([Entry("b")], [K("a")]);
        Assert.True(reader.TryRead(out var second));

        Assert.Equal((0, 1), (first.FromRevision, first.Revision));
        Assert.Equal([(CatalogChangeKind.Added, "a")], first.Changes.Select(c => (c.Kind, c.Key.Name)));
        Assert.Equal((1, 2), (second.FromRevision, second.Revision));
        Assert.Equal([(CatalogChangeKind.Removed, "a"), (CatalogChangeKind.Added, "b")], second.Changes.Select(c => (c.Kind, c.Key.Name)));
        Assert.False(second.IsCoalesced);
    }

    [Fact]
    public void TryRead_ReaderFellBehind_ReceivesOneCoalescedBatch()
    {
        var store = new CatalogStore();
        using var reader = store.Local.Subscribe();

        store.Local.Update([Entry("a")], []);
        store.Local.Update([Entry("a", "v2"), Entry("b")], []);
        store.Local.Update([], [K("b")]);

        Assert.True(reader.TryRead(out var batch));
        Assert.True(batch.IsCoalesced);
        Assert.Equal((0, 3), (batch.FromRevision, batch.Revision));
        var change = Assert.Single(batch.Changes);
        Assert.Equal(CatalogChangeKind.Added, change.Kind);
        Assert.Equal("v2", change.New!.Description);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public async Task WaitToReadAsync_WriteAfterWait_Completes()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new CatalogStore();
        using var reader = store.Imports.Subscribe();

        var wait = reader.WaitToReadAsync(ct).AsTask();
        Assert.False(wait.IsCompleted);
        store.Imports.Update([Entry("a")], []);

        Assert.True(await wait);
        Assert.True(reader.TryRead(out var batch));
        Assert.Equal(1, batch.Revision);
    }

    [Fact]
    public async Task WaitToReadAsync_Disposed_ReturnsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new CatalogStore();
        var reader = store.Local.Subscribe();

        var wait = reader.WaitToReadAsync(ct).AsTask();
        reader.Dispose();

        Assert.False(await wait);
        Assert.False(await reader.WaitToReadAsync(ct));
        Assert.Throws<ObjectDisposedException>(() => reader.TryRead(out _));
    }

    [Fact]
    public async Task WaitToReadAsync_Cancelled_Throws()
    {
        var store = new CatalogStore();
        using var reader = store.Local.Subscribe();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var wait = reader.WaitToReadAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Apply_DiffNotMatchingCurrent_ThrowsAndPublishesNothing()
    {
        var store = new CatalogStore();
        store.Imports.Update([Entry("a")], []);
        using var reader = store.Imports.Subscribe();

        Assert.Throws<CatalogDiffMismatchException>(() => store.Imports.Apply(CatalogDiff.Create([CatalogChange.Added(Entry("a"))])));

        Assert.Equal(1, store.Imports.Current.Revision);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void Partitions_AreIndependentLineages()
    {
        var store = new CatalogStore();

        store.Local.Update([Entry("a")], []);

        Assert.Equal(1, store.Local.Current.Revision);
        Assert.Equal(0, store.Imports.Current.Revision);
        Assert.NotEqual(store.Local.Current.LineageId, store.Imports.Current.LineageId);
    }

    /// <summary>A reader that lags by a random amount, while a writer races it, ends with exactly the writer's state.</summary>
    [Fact]
    public Task SlowReader_ConcurrentWriter_ConvergesToWriterState() =>
        PropertyRun.CheckAsync(Gen.Select(CatalogGen.Batches, Gen.Int[0, 8]), async t =>
        {
            var (batches, lag) = t;
            var ct = TestContext.Current.CancellationToken;
            var store = new CatalogStore();
            using var reader = store.Local.Subscribe();
            var mirror = reader.Snapshot;
            var position = reader.Revision;
            var writer = Task.Run(() =>
            {
                foreach (var batch in batches)
                {
                    store.Local.Update(batch.Upserts, batch.Removals);
                }
            }, ct);

            while (true)
            {
                for (var i = 0; i < lag; i++)
                {
                    await Task.Yield();     // a slow reader: the writer gets ahead and batches coalesce
                }

                if (reader.TryRead(out var batch))
                {
                    Assert.Equal(position, batch.FromRevision);
                    position = batch.Revision;
                    mirror = CatalogDiffer.Apply(mirror, batch.Changes);
                    Assert.Equal(batch.Snapshot.ToArray(), mirror.ToArray());
                }
                else if (writer.IsCompleted && reader.Revision == store.Local.Current.Revision)
                {
                    break;
                }
                else
                {
                    await Task.WhenAny(reader.WaitToReadAsync(ct).AsTask(), writer);
                }
            }

            await writer;
            Assert.Equal(store.Local.Current.ToArray(), mirror.ToArray());
        });

    [Fact]
    public async Task ReadAllAsync_WriterAndAsyncReader_ReaderSeesFinalState()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new CatalogStore();
        var reader = store.Local.Subscribe();
        var mirror = reader.Snapshot;
        var final = Entry("last");
        var readerTask = Task.Run(async () =>
        {
            await foreach (var batch in reader.ReadAllAsync(ct))
            {
                mirror = CatalogDiffer.Apply(mirror, batch.Changes);
                if (mirror.ContainsKey(final.Key))
                {
                    reader.Dispose();
                }
            }
        }, ct);

        for (var i = 0; i < 500; i++)
        {
            store.Local.Update([Entry("k" + (i % 17).ToString(System.Globalization.CultureInfo.InvariantCulture), i.ToString(System.Globalization.CultureInfo.InvariantCulture))], []);
        }

        store.Local.Update([final], []);
        await readerTask;

        Assert.Equal(store.Local.Current.ToArray(), mirror.ToArray());
    }
}
