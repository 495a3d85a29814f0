using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.InMemory;

namespace MeshInterop.FunctionalTests.Federation;

/// <summary>
/// One replica's view of a sink shared by every replica: records each call with the replica's name and whether its
/// leadership token had already fired when the call started, and can hold calls to catch a replica mid-write.
/// </summary>
internal sealed class RecordingSink(string replica, InMemoryCatalogSink shared, SinkLog log) : ICatalogSink
{
    public async Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
    {
        await log.EnterAsync(replica, "apply", cancellationToken);
        await shared.ApplyAsync(changes, cancellationToken);
    }

    public async Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
    {
        await log.EnterAsync(replica, "reconcile", cancellationToken);
        await shared.ReconcileAsync(desired, cancellationToken);
    }
}

internal sealed class SinkLog
{
    private readonly Lock _gate = new();
    private readonly List<(string Replica, string Operation, bool AfterLost)> _calls = [];
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(string Replica, string Operation, bool AfterLost)> Calls
    {
        get
        {
            lock (_gate)
                return [.. _calls];
        }
    }

    /// <summary>Holds every later call until it is cancelled or <see cref="Release"/>; returns when one is held.</summary>
    public Task HoldNextAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _entered.Task.WaitAsync(cancellationToken);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    public async Task EnterAsync(string replica, string operation, CancellationToken leadership)
    {
        Task? hold;
        lock (_gate)
        {
            _calls.Add((replica, operation, leadership.IsCancellationRequested));
            hold = _hold?.Task;
            _entered.TrySetResult();
        }

        if (hold is not null)
            await hold.WaitAsync(leadership);
    }
}
