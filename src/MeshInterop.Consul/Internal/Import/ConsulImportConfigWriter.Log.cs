using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Import;

internal sealed partial class ConsulImportConfigWriter
{
    private static partial class Log
    {
        [LoggerMessage(3411, LogLevel.Warning,
            "Config entry {Kind} '{Name}' was not created by this MeshInterop owner; it is left as it is.",
            EventName = nameof(ConfigEntryNotOwned))]
        public static partial void ConfigEntryNotOwned(ILogger logger, string kind, string name);

        [LoggerMessage(3412, LogLevel.Debug,
            "Config entry {Kind} '{Name}' changed since it was read (CAS miss); reading it again.",
            EventName = nameof(ConfigEntryCasMissed))]
        public static partial void ConfigEntryCasMissed(ILogger logger, string kind, string name);
    }
}
