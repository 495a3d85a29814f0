using Microsoft.Extensions.Logging;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// Sees the HTTP/2 PING frames a consumer target sends to the kit's owner. Kestrel reports every frame it receives and
/// sends as trace events (<c>Http2FrameReceived</c>, <c>Http2FrameSending</c>); this provider keeps the time of every
/// PING that is not an acknowledgement, and whether the kit sent DATA or HEADERS since the previous one: like the Go
/// reference server, only pings with no data in between count against the minimum interval (HTTP/2 stacks also ping
/// to measure round trips after data arrives, which a Go server does not punish).
/// </summary>
internal sealed class Http2PingRecorder(TimeProvider time) : ILoggerProvider
{
    public const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";
    private readonly List<ClientPing> _pings = [];
    private bool _sentSinceLastPing;

    public IReadOnlyList<ClientPing> Pings
    {
        get
        {
            lock (_pings)
            {
                return [.. _pings];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new FrameLogger(this);

    public void Dispose()
    {
    }

    private void Received(string message)
    {
        // "Connection id "…" received PING frame for stream ID 0 with length 8 and flags NONE"; "flags ACK" answers a ping of ours.
        if (message.Contains(" PING frame", StringComparison.Ordinal) && !message.EndsWith("ACK", StringComparison.Ordinal))
        {
            lock (_pings)
            {
                _pings.Add(new ClientPing(time.GetTimestamp(), _sentSinceLastPing));
                _sentSinceLastPing = false;
            }
        }
    }

    private void Sending(string message)
    {
        if (message.Contains(" DATA frame", StringComparison.Ordinal) || message.Contains(" HEADERS frame", StringComparison.Ordinal))
        {
            lock (_pings)
            {
                _sentSinceLastPing = true;
            }
        }
    }

    private sealed class FrameLogger(Http2PingRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (string.Equals(eventId.Name, "Http2FrameReceived", StringComparison.Ordinal))
            {
                recorder.Received(formatter(state, exception).TrimEnd('.'));
            }
            else if (string.Equals(eventId.Name, "Http2FrameSending", StringComparison.Ordinal))
            {
                recorder.Sending(formatter(state, exception));
            }
        }
    }
}

/// <summary>One PING a consumer sent: when, and whether the kit had sent DATA or HEADERS since the ping before it.</summary>
internal readonly record struct ClientPing(long Timestamp, bool AfterData);
