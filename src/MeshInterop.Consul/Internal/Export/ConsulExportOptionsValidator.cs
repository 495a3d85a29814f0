namespace MeshInterop.Consul.Internal.Export;

/// <summary>Checks <see cref="ConsulExportOptions"/>; returns every problem with its configuration path.</summary>
internal static class ConsulExportOptionsValidator
{
    public static IReadOnlyList<string> Validate(ConsulExportOptions options, string section = ConsulExportOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems = [];
        if (options.ExportedServicesConsumer is null && options.ExportTag is null && options.ExportMetaKey is null)
        {
            problems.Add($"{section}: select what to export with ExportedServicesConsumer, ExportTag or ExportMetaKey.");
        }

        if (options.ExportedServicesConsumer is { } consumer && (consumer.Length == 0 || consumer == "*"))
        {
            problems.Add($"{section}:ExportedServicesConsumer: '{consumer}' is not a peer name; Consul rejects the wildcard peer.");
        }

        if ((options.ExportMetaKey is null) != (options.ExportMetaValue is null))
        {
            problems.Add($"{section}:ExportMetaValue: ExportMetaKey and ExportMetaValue must be set together.");
        }

        if (options.ExportTag is { Length: 0 })
        {
            problems.Add($"{section}:ExportTag: must not be empty.");
        }

        if (string.Equals(options.ExportTag, ConsulExportMapper.ImportMarker, StringComparison.Ordinal))
        {
            problems.Add($"{section}:ExportTag: '{ConsulExportMapper.ImportMarker}' marks imports, which are never exported; choose another tag.");
        }

        for (var i = 0; i < options.GatewayAddresses.Count; i++)
        {
            if (!GatewayAddress.TryParse(options.GatewayAddresses[i], out _))
            {
                problems.Add($"{section}:GatewayAddresses:{i}: '{options.GatewayAddresses[i]}' is not host:port with a port from 1 to 65535.");
            }
        }

        if (!MeshInterop.Catalog.ServiceProtocols.TryGetCanonical(options.DefaultProtocol, out _))
        {
            problems.Add($"{section}:DefaultProtocol: '{options.DefaultProtocol}' is not one of {string.Join(", ", MeshInterop.Catalog.ServiceProtocols.All)}.");
        }

        if (options.TrustDomain is { } trustDomain && !MeshInterop.Catalog.Validation.DnsNames.IsDns1123Subdomain(trustDomain))
        {
            problems.Add($"{section}:TrustDomain: '{trustDomain}' is not a lower-case DNS name such as '7f3c1a2b-….consul'.");
        }

        if (!MeshInterop.Catalog.Validation.DnsNames.IsDns1123Subdomain(options.Domain))
        {
            problems.Add($"{section}:Domain: '{options.Domain}' is not a lower-case DNS name.");
        }

        return problems;
    }
}
