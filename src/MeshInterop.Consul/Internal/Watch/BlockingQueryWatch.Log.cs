using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Watch;

internal sealed partial class BlockingQueryWatch<T>
{
    private static partial class Log
    {
        [LoggerMessage(3101, LogLevel.Debug, "Consul watch {Kind} '{Target}' started.", EventName = nameof(WatchStarted))]
        public static partial void WatchStarted(ILogger logger, string kind, string target);

        [LoggerMessage(3102, LogLevel.Debug, "Consul watch {Kind} '{Target}' stopped.", EventName = nameof(WatchStopped))]
        public static partial void WatchStopped(ILogger logger, string kind, string target);

        [LoggerMessage(3103, LogLevel.Warning,
            "Consul watch {Kind} '{Target}': X-Consul-Index went backwards from {PreviousIndex} to {NewIndex}; resetting to 0 and resynchronising.",
            EventName = nameof(IndexWentBackwards))]
        public static partial void IndexWentBackwards(ILogger logger, string kind, string target, ulong previousIndex, ulong newIndex);

        [LoggerMessage(3104, LogLevel.Warning,
            "Consul watch {Kind} '{Target}': the server sent X-Consul-Index 0; blocking on 1 instead so the loop cannot spin.",
            EventName = nameof(ZeroIndexClamped))]
        public static partial void ZeroIndexClamped(ILogger logger, string kind, string target);

        [LoggerMessage(3105, LogLevel.Warning,
            "Consul watch {Kind} '{Target}' reads stale data: known leader {KnownLeader}, last contact with the leader {LastContactMs} ms ago.",
            EventName = nameof(StaleReadLagging))]
        public static partial void StaleReadLagging(ILogger logger, string kind, string target, bool knownLeader, long lastContactMs);

        [LoggerMessage(3106, LogLevel.Warning,
            "Consul watch {Kind} '{Target}': request failed with {ErrorType} (HTTP {StatusCode}); retrying in {DelayMs} ms.",
            EventName = nameof(WatchRetrying))]
        public static partial void WatchRetrying(ILogger logger, string kind, string target, string errorType, int statusCode, long delayMs);

        [LoggerMessage(3107, LogLevel.Warning,
            "Consul watch {Kind} '{Target}': a stale answer removes data, but the leader could not confirm it; keeping the previous state.",
            EventName = nameof(RemovalNotConfirmed))]
        public static partial void RemovalNotConfirmed(ILogger logger, string kind, string target);

        [LoggerMessage(3108, LogLevel.Error,
            "Consul watch {Kind} '{Target}' stopped on an error that retrying cannot fix.",
            EventName = nameof(WatchFailed))]
        public static partial void WatchFailed(ILogger logger, Exception exception, string kind, string target);

        [LoggerMessage(3109, LogLevel.Debug,
            "Consul watch {Kind} '{Target}' is changing faster than its rate limit; waiting {DelayMs} ms before the next request.",
            EventName = nameof(WatchPaced))]
        public static partial void WatchPaced(ILogger logger, string kind, string target, long delayMs);
    }
}
