using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>Rules istiod applies to several kinds: exportTo, workload selectors, labels and port numbers.</summary>
internal static class SharedRules
{
    public const string PortRange = "port must be between 1-65535";

    /// <summary>istiod's <c>validateExportTo</c>.</summary>
    public static void ExportTo(WebhookContext context, JsonNode? exportTo, string path, bool isServiceEntry, bool hasWorkloadSelector)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, entry) in Strings(exportTo))
        {
            var itemPath = Index(path, i);
            var ns = entry == "." && context.Namespace.Length > 0 ? context.Namespace : entry;
            if (!seen.Add(ns))
                context.Error(itemPath, $"duplicate entries in exportTo: {entry}");
            if (entry == "~" && !isServiceEntry)
                context.Error(itemPath, "exportTo ~ (no one) is allowed only on a ServiceEntry");
            else if (entry is not ("." or "*" or "~") && !IstioNames.IsDns1123Label(entry))
                context.Error(itemPath, $"only .,*, or a valid DNS 1123 label is allowed as exportTo entry: \"{entry}\"");
            if (hasWorkloadSelector && entry != "." && !string.Equals(entry, context.Namespace, StringComparison.Ordinal))
                context.Error(itemPath, "destination rule with workload selector cannot have exportTo beyond current namespace");
        }

        if (seen.Count > 1 && seen.Contains("*"))
            context.Error(path, "cannot have both public (*) and non-public exportTo values for a resource");
        if (seen.Count > 1 && seen.Contains("~"))
            context.Error(path, "cannot export service entry to no one (~) and someone");
    }

    /// <summary>istiod's <c>validateWorkloadSelector</c> (map of labels): no empty keys, no wildcards, valid labels.</summary>
    public static void Selector(WebhookContext context, JsonNode? labels, string path)
    {
        if (labels is not JsonObject map)
            return;
        foreach (var (key, value) in map)
        {
            var keyPath = Key(path, key);
            var text = Text(value) ?? string.Empty;
            if (key.Length == 0)
                context.Error(keyPath, "empty key is not supported in selector");
            else if (key.Contains('*', StringComparison.Ordinal) || text.Contains('*', StringComparison.Ordinal))
                context.Error(keyPath, "wildcard is not supported in selector");
            else
                Label(context, key, text, keyPath);
        }
    }

    /// <summary>Kubernetes label syntax for every entry of a label map.</summary>
    public static void Labels(WebhookContext context, JsonNode? labels, string path)
    {
        if (labels is not JsonObject map)
            return;
        foreach (var (key, value) in map)
            Label(context, key, Text(value) ?? string.Empty, Key(path, key));
    }

    private static void Label(WebhookContext context, string key, string value, string path)
    {
        if (!IstioNames.IsLabelKey(key))
            context.Error(path, $"invalid label key \"{key}\": a qualified name is an optional DNS subdomain prefix and '/', then at most 63 of [A-Za-z0-9._-] starting and ending alphanumeric");
        if (!IstioNames.IsLabelValue(value))
            context.Error(path, $"invalid label value \"{value}\": at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric");
    }

    /// <summary>A port number in 1–65535; reports nothing when absent.</summary>
    public static bool Port(WebhookContext context, JsonNode? port, string path)
    {
        if (port is null)
            return true;
        if (!JsonNumbers.TryGetInteger(port, out var number) || number is < 1 or > 65535)
        {
            context.Error(path, $"Invalid value: {port.ToJsonString()}: {PortRange}");
            return false;
        }

        return true;
    }

    /// <summary>A host that must be a DNS name (wildcards allowed in the first label, partial ones with a warning).</summary>
    public static void WildcardHost(WebhookContext context, string host, string path, bool allowPartialWildcard = true)
    {
        if (IstioNames.CheckWildcardDomain(host, out var partial) is { } error)
            context.Error(path, error);
        else if (partial && allowPartialWildcard)
            context.Warning(path, $"partial wildcard \"{host}\" not allowed");
        else if (partial)
            context.Error(path, $"partial wildcard \"{host}\" not allowed");
    }

    public static void IpOrCidrList(WebhookContext context, JsonNode? list, string path)
    {
        foreach (var (i, value) in Strings(list))
        {
            if (!IstioNames.IsIpOrCidr(value))
                context.Error(Index(path, i), $"invalid IP address or CIDR range: \"{value}\"");
        }
    }
}
