using Microsoft.Extensions.Logging;

namespace MeshInterop.Istio.Tests.Kubernetes;

/// <summary>A hand-written logger that keeps every record, for asserting event IDs and messages.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(EventId Id, LogLevel Level, string Message)> _records = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Records
    {
        get
        {
            lock (_records)
                return [.. _records];
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_records)
            _records.Add((eventId, logLevel, formatter(state, exception)));
    }
}
