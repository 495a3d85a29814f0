using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class SubscriberQueueTests
{
    [Fact]
    public void TryDequeue_SnapshotThenChanges_SnapshotItemsComeFirstAndAreNeverCoalesced()
    {
        var queue = new SubscriberQueue<string>();
        Assert.Equal(2, queue.EnqueueSnapshot([new("a", "a1"), new("b", "b1")]));
        queue.EnqueueUpsert("a", "a2");
        queue.EnqueueUpsert("a", "a3");

        Assert.Equal(
            [("a", OwnerOperation.Create, "a1", true), ("b", OwnerOperation.Create, "b1", true), ("a", OwnerOperation.Update, "a3", false)],
            DrainAll(queue));
    }

    [Fact]
    public void EnqueueUpsert_ManyChangesToOneKey_HoldsOnePendingItemWithTheLatestState()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueSnapshot([]);
        for (var i = 0; i < 10_000; i++)
        {
            queue.EnqueueUpsert("flood", "v" + i);
        }

        Assert.Equal(1, queue.Count);
        Assert.Equal([("flood", OwnerOperation.Create, "v9999", false)], DrainAll(queue));
    }

    [Fact]
    public void TryDequeue_CreateThenDeleteBeforeSending_SendsNothing()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueUpsert("x", "x1");
        queue.EnqueueDelete("x", "x1");

        Assert.Empty(DrainAll(queue));
    }

    [Fact]
    public void TryDequeue_DeleteOfSentKey_SendsDeleteWithTheLastKnownObject()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueSnapshot([new("x", "x1")]);
        queue.EnqueueDelete("x", "x1");

        Assert.Equal([("x", OwnerOperation.Create, "x1", true), ("x", OwnerOperation.Delete, "x1", false)], DrainAll(queue));
    }

    [Fact]
    public void TryDequeue_DeleteThenRecreate_KeepsPerKeyOrderAndSendsUpdate()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueSnapshot([new("x", "x1")]);
        Assert.True(queue.TryDequeue(out _));
        queue.EnqueueDelete("x", "x1");
        queue.EnqueueUpsert("x", "x2");

        // The subscriber still has x (the delete never went out), so the coalesced change is an UPDATE.
        Assert.Equal([("x", OwnerOperation.Update, "x2", false)], DrainAll(queue));
    }

    [Fact]
    public void TryDequeue_ChangeRevertedBeforeSending_SendsNothing()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueSnapshot([new("x", "x1")]);
        Assert.True(queue.TryDequeue(out _));
        queue.EnqueueUpsert("x", "x2");
        queue.EnqueueUpsert("x", "x1");

        Assert.Empty(DrainAll(queue));
    }

    [Fact]
    public void MarkRejected_SameContentAgain_IsNotResent_ButChangedContentIs()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueUpsert("x", "bad");
        Assert.True(queue.TryDequeue(out var sent));
        queue.MarkRejected(sent.Key, sent.Resource);

        queue.EnqueueUpsert("x", "other");
        queue.EnqueueUpsert("x", "bad");
        Assert.Empty(DrainAll(queue));

        queue.EnqueueUpsert("x", "good");
        Assert.Equal([("x", OwnerOperation.Update, "good", false)], DrainAll(queue));
    }

    [Fact]
    public void TryDequeue_KeysKeepFirstChangeOrder()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueUpsert("b", "b1");
        queue.EnqueueUpsert("a", "a1");
        queue.EnqueueUpsert("b", "b2");

        Assert.Equal(["b", "a"], DrainAll(queue).Select(e => e.Key));
    }

    [Fact]
    public async Task WaitForItemsAsync_CompletesWhenAChangeArrives()
    {
        var queue = new SubscriberQueue<string>();
        var waiting = queue.WaitForItemsAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        queue.EnqueueUpsert("x", "x1");

        await waiting;
        Assert.True(queue.TryDequeue(out _));
        Assert.False(queue.WaitForItemsAsync(TestContext.Current.CancellationToken).IsCompleted);
    }

    [Fact]
    public void EnqueueSnapshot_AfterChanges_Throws()
    {
        var queue = new SubscriberQueue<string>();
        queue.EnqueueUpsert("x", "x1");

        Assert.Throws<InvalidOperationException>(() => queue.EnqueueSnapshot([new("y", "y1")]));
    }

    [Fact]
    public async Task ConcurrentProducer_ConsumerConvergesToTheProducersFinalState()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = new SubscriberQueue<string>();
        queue.EnqueueSnapshot([]);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var random = new Random(20261125);
        var producer = Task.Run(
            () =>
            {
                for (var i = 0; i < 20_000; i++)
                {
                    var key = "k" + random.Next(50);
                    if (random.Next(4) == 0)
                    {
                        queue.EnqueueDelete(key, "gone");
                        expected.Remove(key);
                    }
                    else
                    {
                        var value = "v" + i;
                        queue.EnqueueUpsert(key, value);
                        expected[key] = value;
                    }
                }
            },
            ct);

        var subscriber = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!producer.IsCompleted || queue.Count > 0)
        {
            await Task.WhenAny(queue.WaitForItemsAsync(ct), producer);
            while (queue.TryDequeue(out var next))
            {
                switch (next.Operation)
                {
                    case OwnerOperation.Create:
                        Assert.True(subscriber.TryAdd(next.Key, next.Resource), $"CREATE for {next.Key}, which the subscriber already has.");
                        break;
                    case OwnerOperation.Update:
                        Assert.True(subscriber.ContainsKey(next.Key), $"UPDATE for {next.Key}, which the subscriber lacks.");
                        subscriber[next.Key] = next.Resource;
                        break;
                    default:
                        Assert.True(subscriber.Remove(next.Key), $"DELETE for {next.Key}, which the subscriber lacks.");
                        break;
                }
            }
        }

        await producer;
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), subscriber.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static List<(string Key, OwnerOperation Operation, string Resource, bool IsSnapshot)> DrainAll(SubscriberQueue<string> queue)
    {
        var events = new List<(string, OwnerOperation, string, bool)>();
        while (queue.TryDequeue(out var next))
        {
            events.Add((next.Key, next.Operation, next.Resource, next.IsSnapshot));
        }

        return events;
    }
}
