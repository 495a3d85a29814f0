using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Owner;

/// <summary>A resource for session tests: a key and a value, compared by content.</summary>
internal sealed record TestResource(string Key, string Value);

/// <summary>An owner feed over an in-memory catalog, with snapshot and subscription taken under one lock.</summary>
internal sealed class TestFeed : IOwnerFeed<TestResource>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TestResource> _catalog = new(StringComparer.Ordinal);
    private readonly List<SubscriberQueue<TestResource>> _subscribers = [];

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Upsert(string key, string value)
    {
        lock (_gate)
        {
            var resource = new TestResource(key, value);
            _catalog[key] = resource;
            foreach (var subscriber in _subscribers)
            {
                subscriber.EnqueueUpsert(key, resource);
            }
        }
    }

    public void Delete(string key)
    {
        lock (_gate)
        {
            if (_catalog.Remove(key, out var last))
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.EnqueueDelete(key, last);
                }
            }
        }
    }

    public ValueTask<OwnerFeedSubscription> SubscribeAsync(SubscriberQueue<TestResource> queue, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var count = queue.EnqueueSnapshot(_catalog.OrderBy(p => p.Key, StringComparer.Ordinal).ToList());
            _subscribers.Add(queue);
            return ValueTask.FromResult(new OwnerFeedSubscription(count, new Unsubscriber(this, queue)));
        }
    }

    private sealed class Unsubscriber(TestFeed feed, SubscriberQueue<TestResource> queue) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (feed._gate)
            {
                feed._subscribers.Remove(queue);
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Records what a session reports, and lets a test await the next report.</summary>
internal sealed class RecordingObserver : IOwnerSessionObserver
{
    private readonly System.Threading.Channels.Channel<string> _events = System.Threading.Channels.Channel.CreateUnbounded<string>();

    public List<string> Events { get; } = [];

    public void ResponseSent(string resourceKey, OwnerOperation operation) => Record($"sent {operation} {resourceKey}");

    public void Acknowledged(string resourceKey, TimeSpan latency) => Record($"ack {resourceKey}");

    public void Rejected(string resourceKey, int code, string message) => Record($"nack {resourceKey} {code} {message}");

    public void UnknownNonce(string nonce) => Record($"unknown-nonce {nonce}");

    public void DuplicateSubscribe() => Record("duplicate-subscribe");

    /// <summary>Waits for the next report whose text starts with <paramref name="prefix"/>.</summary>
    public async Task<string> NextAsync(string prefix)
    {
        while (true)
        {
            var next = await _events.Reader.ReadAsync(TestContext.Current.CancellationToken);
            if (next.StartsWith(prefix, StringComparison.Ordinal))
            {
                return next;
            }
        }
    }

    private void Record(string text)
    {
        lock (Events)
        {
            Events.Add(text);
        }

        _events.Writer.TryWrite(text);
    }
}
