using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Leadership;

internal sealed partial class ConsulSessionLock
{
    private static partial class Log
    {
        [LoggerMessage(3301, LogLevel.Information, "Acquired the Consul lock '{Key}' as '{Holder}'.", EventName = nameof(LockAcquired))]
        public static partial void LockAcquired(ILogger logger, string key, string holder);

        [LoggerMessage(3302, LogLevel.Warning, "Lost the Consul lock '{Key}': {Reason}; stop writing.", EventName = nameof(LockLost))]
        public static partial void LockLost(ILogger logger, string key, string reason);

        [LoggerMessage(3303, LogLevel.Information, "Released the Consul lock '{Key}'.", EventName = nameof(LockReleased))]
        public static partial void LockReleased(ILogger logger, string key);

        [LoggerMessage(3304, LogLevel.Debug, "The Consul lock '{Key}' is free; waiting {DelayMs} ms of lock delay before acquiring it.", EventName = nameof(LockFreeWaitingDelay))]
        public static partial void LockFreeWaitingDelay(ILogger logger, string key, long delayMs);

        [LoggerMessage(3305, LogLevel.Warning, "Could not release the Consul lock '{Key}' cleanly; its session lapses by TTL.", EventName = nameof(ReleaseFailed))]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string key);

        [LoggerMessage(3306, LogLevel.Debug, "Renewed the Consul lock '{Key}'.", EventName = nameof(LockRenewed))]
        public static partial void LockRenewed(ILogger logger, string key);
    }
}
