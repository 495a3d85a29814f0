using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Tests.TestSupport;

/// <summary>A logger that records events and lets a test await one by name: the synchronisation point instead of a sleep.</summary>
internal sealed class SignalingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(string Name, LogLevel Level, string Message)> _records = [];
    private readonly List<(string Name, int Count, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<(string Name, LogLevel Level, string Message)> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public int Count(string eventName)
    {
        lock (_gate)
        {
            return _records.Count(r => r.Name == eventName);
        }
    }

    public Task WaitForAsync(string eventName, CancellationToken cancellationToken, int count = 1)
    {
        lock (_gate)
        {
            if (_records.Count(r => r.Name == eventName) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventName, count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            _records.Add((eventId.Name ?? string.Empty, logLevel, formatter(state, exception)));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (name, count, done) = _waiters[i];
                if (_records.Count(r => r.Name == name) >= count)
                {
                    ready.Add(done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in ready)
        {
            done.TrySetResult();
        }
    }
}
