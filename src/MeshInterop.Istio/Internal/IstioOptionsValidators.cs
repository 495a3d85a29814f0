using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal.Webhook;
using MeshInterop.Istio.Leadership;
using Microsoft.Extensions.Options;

namespace MeshInterop.Istio.Internal;

/// <summary>The attribute rules of <see cref="IstioImportOptions"/>, generated.</summary>
[OptionsValidator]
internal sealed partial class IstioImportOptionsValidator : IValidateOptions<IstioImportOptions>;

/// <summary>The attribute rules of <see cref="IstioLeaderElectionOptions"/>, generated.</summary>
[OptionsValidator]
internal sealed partial class IstioLeaderElectionOptionsValidator : IValidateOptions<IstioLeaderElectionOptions>;

/// <summary>The rules of <see cref="IstioImportOptions"/> that span values; every problem names its configuration path.</summary>
internal sealed class IstioImportOptionsRulesValidator : IValidateOptions<IstioImportOptions>
{
    public ValidateOptionsResult Validate(string? name, IstioImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        for (var i = 0; i < options.ExportTo.Count; i++)
        {
            var ns = options.ExportTo[i];
            var path = $"{IstioImportOptions.SectionName}:ExportTo:{i}";
            if (ns is "*" or "~")
                result.AddError($"'{ns}' is not allowed: '*' would make imports visible to the federation gateway (re-exportable to other peers) and '~' to nobody; list the consuming namespaces.", path);
            else if (ns != "." && !IstioNames.IsDns1123Label(ns ?? string.Empty))
                result.AddError($"'{ns}' is not a namespace name (a DNS-1123 label) or '.'.", path);
            else if (string.Equals(ns, options.FederationGatewayNamespace, StringComparison.Ordinal)
                || (ns == "." && string.Equals(options.Namespace, options.FederationGatewayNamespace, StringComparison.Ordinal)))
                result.AddError($"'{ns}' is the federation gateway's namespace; imports visible there would be re-exportable to other peers.", path);
        }

        if (options.ExportTo.Count == 0 && string.Equals(options.Namespace, options.FederationGatewayNamespace, StringComparison.Ordinal))
            result.AddError("The import namespace is the federation gateway's namespace; imports visible there would be re-exportable to other peers.", $"{IstioImportOptions.SectionName}:Namespace");
        for (var i = 0; i < options.ImportAsLocalPeers.Count; i++)
        {
            if (string.IsNullOrEmpty(options.ImportAsLocalPeers[i]))
                result.AddError("A peer name is empty.", $"{IstioImportOptions.SectionName}:ImportAsLocalPeers:{i}");
        }

        if (IstioNames.CheckFqdn(options.ClusterDomain ?? string.Empty) is { } domainError)
            result.AddError($"'{options.ClusterDomain}' is not a DNS domain: {domainError}.", $"{IstioImportOptions.SectionName}:ClusterDomain");
        return result.Build();
    }
}

/// <summary>The ordering rule of the leader-election durations (as client-go requires).</summary>
internal sealed class IstioLeaderElectionOptionsRulesValidator : IValidateOptions<IstioLeaderElectionOptions>
{
    public ValidateOptionsResult Validate(string? name, IstioLeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ValidateOptionsResultBuilder();
        if (options.RenewDeadline >= options.LeaseDuration)
            result.AddError($"RenewDeadline ({options.RenewDeadline}) must be shorter than LeaseDuration ({options.LeaseDuration}), or two replicas could lead at once.", $"{IstioLeaderElectionOptions.SectionName}:RenewDeadline");
        if (options.RetryPeriod >= options.RenewDeadline)
            result.AddError($"RetryPeriod ({options.RetryPeriod}) must be shorter than RenewDeadline ({options.RenewDeadline}), or the leader could never renew in time.", $"{IstioLeaderElectionOptions.SectionName}:RetryPeriod");
        return result.Build();
    }
}
