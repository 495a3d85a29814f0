using Microsoft.Extensions.Logging;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// Shows the few agent log events that tell the story (bundle retrievals, subscriptions, streams ending, errors),
/// prefixed with the mesh, and keeps the rest quiet.
/// </summary>
internal sealed class DemoLoggerProvider(TextWriter output, string mesh) : ILoggerProvider
{
    // 2200: a bundle retrieved from a bundle endpoint; 6001: subscribed to a peer; 6002: a stream to a peer ended.
    private static readonly HashSet<int> Shown = [2200, 6001, 6002];

    /// <summary>Gets or sets a value indicating whether nothing is shown any more (once the story is told).</summary>
    public bool Muted { get; set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this, output, mesh);

    public void Dispose()
    {
    }

    private sealed class Logger(DemoLoggerProvider provider, TextWriter output, string mesh) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (provider.Muted || (!Shown.Contains(eventId.Id) && logLevel < LogLevel.Error))
            {
                return;
            }

            var message = formatter(state, exception);
            if (message.Length > 150)
            {
                message = message[..147] + "...";
            }

            output.WriteLine($"     [{mesh} agent] {message}");
        }
    }
}
