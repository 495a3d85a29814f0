using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Export;

internal sealed partial class ConsulExportSource
{
    private static partial class Log
    {
        [LoggerMessage(3201, LogLevel.Information,
            "Consul export source read its initial state: {EntryCount} exported services from {WatchCount} watched services.",
            EventName = nameof(InitialStateRead))]
        public static partial void InitialStateRead(ILogger logger, int entryCount, int watchCount);

        [LoggerMessage(3202, LogLevel.Debug, "Consul service '{Service}' is now selected for export; watching it.", EventName = nameof(ServiceSelected))]
        public static partial void ServiceSelected(ILogger logger, string service);

        [LoggerMessage(3203, LogLevel.Debug, "Consul service '{Service}' is no longer selected for export; its watch stopped.", EventName = nameof(ServiceUnselected))]
        public static partial void ServiceUnselected(ILogger logger, string service);

        [LoggerMessage(3204, LogLevel.Error, "Consul export source failed; the consumer keeps its last state and restarts the source.", EventName = nameof(SourceFailed))]
        public static partial void SourceFailed(ILogger logger, Exception exception);

        [LoggerMessage(3205, LogLevel.Information, "Consul Connect trust domain is '{TrustDomain}'; exported entries carry Consul's SNI and SPIFFE SANs.", EventName = nameof(TrustDomainRead))]
        public static partial void TrustDomainRead(ILogger logger, string trustDomain);

        [LoggerMessage(3206, LogLevel.Warning, "Consul Connect trust domain is unavailable (Connect off or the CA unreadable); exported entries carry no SNI and no SAN. Set TrustDomain to override.", EventName = nameof(TrustDomainUnavailable))]
        public static partial void TrustDomainUnavailable(ILogger logger, Exception? exception);

        [LoggerMessage(3207, LogLevel.Warning, "Consul service '{Service}' is not exported in its current form, which the catalog rejects: {Problems}", EventName = nameof(EntryRejected))]
        public static partial void EntryRejected(ILogger logger, string service, string problems);
    }
}
