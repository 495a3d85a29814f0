namespace MeshInterop.Federation.Internal;

/// <summary>
/// Lets a consumer ACK a change only once the sink holds it (Hamlet R6). Every change to the import view takes a
/// generation; the sink writer reports the generation each successful write covered. Until the first write of a
/// leadership term (while the new leader resyncs) and when no sink is configured, the import view itself is the
/// queue and nothing waits.
/// </summary>
internal sealed class SinkProgress
{
    private readonly Lock _gate = new();
    private readonly List<(long Generation, TaskCompletionSource Done)> _waiters = [];
    private long _requested;
    private long _written;
    private bool _live;

    public long Requested => Interlocked.Read(ref _requested);

    public long Request() => Interlocked.Increment(ref _requested);

    public void Written(long generation)
    {
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            _live = true;
            _written = Math.Max(_written, generation);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Generation <= _written)
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in done)
            waiter.TrySetResult();
    }

    public Task WaitAsync(long generation)
    {
        lock (_gate)
        {
            if (!_live || generation <= _written)
                return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((generation, done));
            return done.Task;
        }
    }

    /// <summary>Ends the term: nothing will be written by it any more, so no one waits for it.</summary>
    public void Close()
    {
        List<TaskCompletionSource> done;
        lock (_gate)
        {
            _live = false;
            done = [.. _waiters.Select(w => w.Done)];
            _waiters.Clear();
        }

        foreach (var waiter in done)
            waiter.TrySetCanceled();
    }
}
