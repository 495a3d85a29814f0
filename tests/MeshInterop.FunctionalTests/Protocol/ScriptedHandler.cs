using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// Wraps a consumer's import handler so a test can hold every upsert at a gate (a stalled sink), or make
/// chosen upserts fail as a broken sink or a refusing policy would.
/// </summary>
internal sealed class ScriptedHandler(Func<IHamletImportHandler> inner) : IHamletImportHandler
{
    private readonly Lazy<IHamletImportHandler> _inner = new(inner);
    private volatile TaskCompletionSource _gate = CreateOpenGate();

    public Func<CatalogEntry, Exception?> FailWith { get; set; } = _ => null;

    /// <summary>Gets a task that completes when an upsert first reaches the handler.</summary>
    public TaskCompletionSource UpsertArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) =>
        _inner.Value.BeginSubscriptionAsync(peer, announcedSnapshotCount, cancellationToken);

    public async ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken)
    {
        UpsertArrived.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        if (FailWith(entry) is { } failure)
        {
            throw failure;
        }

        await _inner.Value.UpsertAsync(peer, entry, cancellationToken);
    }

    public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => _inner.Value.DeleteAsync(peer, key, cancellationToken);

    public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => _inner.Value.MarkAssertedAsync(peer, key, cancellationToken);

    public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) => _inner.Value.DisconnectedAsync(peer, cancellationToken);

    public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) => _inner.Value.PurgeAsync(peer, cancellationToken);

    private static TaskCompletionSource CreateOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
