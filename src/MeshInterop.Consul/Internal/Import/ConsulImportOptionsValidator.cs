using MeshInterop.Catalog.Validation;

namespace MeshInterop.Consul.Internal.Import;

/// <summary>Checks <see cref="ConsulImportOptions"/>; returns every problem with its configuration path.</summary>
internal static class ConsulImportOptionsValidator
{
    public static IReadOnlyList<string> Validate(ConsulImportOptions options, string section = ConsulImportOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = [];
        if (!DnsNames.IsDns1123Label(options.OwnerId))
        {
            problems.Add($"{section}:OwnerId: '{options.OwnerId}' is not a lower-case DNS label such as 'mi-prod-a'; every import carries it as its owner.");
        }

        if (options.MaxTransactionOperations is < 4 or > 64)
        {
            problems.Add($"{section}:MaxTransactionOperations: {options.MaxTransactionOperations} is outside 4 to 64 (Consul rejects more than 64).");
        }

        if (options.ReconcileInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{section}:ReconcileInterval: must be at least 1 second.");
        }

        if (options.NodeAddress is { } address && !DnsNames.IsHostName(address) && !System.Net.IPAddress.TryParse(address, out _))
        {
            problems.Add($"{section}:NodeAddress: '{address}' is not a host name or IP address.");
        }

        if (options.TerminatingGateway is { } gateway && !DnsNames.IsDns1123Label(gateway))
        {
            problems.Add($"{section}:TerminatingGateway: '{gateway}' is not a lower-case DNS label.");
        }

        foreach (var (peer, tls) in options.GatewayTls)
        {
            if (tls is null)
            {
                problems.Add($"{section}:GatewayTls:{peer}: the settings are empty.");
                continue;
            }

            if ((tls.CertFile is null) != (tls.KeyFile is null))
            {
                problems.Add($"{section}:GatewayTls:{peer}:KeyFile: CertFile and KeyFile must be set together.");
            }
        }

        if (options.GatewayTls.Count > 0 && options.TerminatingGateway is null)
        {
            problems.Add($"{section}:GatewayTls: set TerminatingGateway too; the TLS files are only used for the gateway's linked services.");
        }

        foreach (var (local, import) in options.ServiceResolverAliases)
        {
            if (!DnsNames.IsDns1123Label(local) || !DnsNames.IsDns1123Label(import ?? string.Empty))
            {
                problems.Add($"{section}:ServiceResolverAliases:{local}: '{local}' and '{import}' must both be lower-case DNS labels.");
            }
            else if (string.Equals(local, import, StringComparison.Ordinal))
            {
                problems.Add($"{section}:ServiceResolverAliases:{local}: a name cannot redirect to itself.");
            }
        }

        for (var i = 0; i < options.IntentionSources.Count; i++)
        {
            var source = options.IntentionSources[i];
            if (source is null || (source != "*" && !DnsNames.IsDns1123Label(source)))
            {
                problems.Add($"{section}:IntentionSources:{i}: '{source}' is not a service name or '*'.");
            }
        }

        return problems;
    }
}
