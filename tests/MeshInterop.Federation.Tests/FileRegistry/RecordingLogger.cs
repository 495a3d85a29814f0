using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.Tests.FileRegistry;

/// <summary>A logger that keeps every record and lets a test await one, instead of polling or sleeping.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<(EventId Id, LogLevel Level, string Message)> _records = [];
    private readonly List<(Func<EventId, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Completes with the message of the <paramref name="occurrence"/>-th record of the event (1-based), past or future.</summary>
    public Task<string> WaitForAsync(string eventName, int occurrence = 1)
    {
        lock (_gate)
        {
            var seen = _records.Where(r => r.Id.Name == eventName).Skip(occurrence - 1).Select(r => r.Message).FirstOrDefault();
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            var count = _records.Count(r => r.Id.Name == eventName);
            var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var remaining = occurrence - count;
            _waiters.Add((id => id.Name == eventName && --remaining == 0, signal));
            return signal.Task;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        List<TaskCompletionSource<string>> completed = [];
        lock (_gate)
        {
            _records.Add((eventId, logLevel, message));
            foreach (var waiter in _waiters.ToList())
            {
                if (waiter.Match(eventId))
                {
                    _waiters.Remove(waiter);
                    completed.Add(waiter.Signal);
                }
            }
        }

        foreach (var signal in completed)
        {
            signal.TrySetResult(message);
        }
    }
}
