using System.Globalization;
using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>istiod's PeerAuthentication and AuthorizationPolicy rules.</summary>
internal static class SecurityRules
{
    private static readonly string[] SourceFields =
    [
        "principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "namespaces", "notNamespaces",
        "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts",
        "trustDomains", "notTrustDomains",
    ];

    private static readonly string[] TargetFields = ["selector", "targetRef", "targetRefs"];

    private static readonly string[] OperationFields = ["hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths"];

    // Condition keys istiod accepts; entries ending in '[' take a bracketed argument.
    private static readonly string[] ConditionKeys =
    [
        "request.headers[", "source.ip", "remote.ip", "source.namespace", "source.principal", "source.serviceAccount",
        "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "request.auth.claims[",
        "destination.ip", "destination.port", "connection.sni", "source.trustDomain", "experimental.envoy.filters.",
    ];

    public static void PeerAuthentication(WebhookContext context, JsonObject spec)
    {
        const string Path = "spec";
        var labels = spec["selector"]?["matchLabels"];
        SharedRules.Selector(context, labels, "spec.selector.matchLabels");
        if (spec["portLevelMtls"] is not JsonObject ports)
            return;
        if (ports.Count > 0 && Count(labels) == 0)
            context.Error(Child(Path, "portLevelMtls"), "portLevelMtls requires selector");
        foreach (var (key, _) in ports)
        {
            var keyPath = Key(Child(Path, "portLevelMtls"), key);
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                context.Error(keyPath, $"Invalid value: \"{key}\": type conversion error from string to int: port keys must be numbers");
            else if (port is < 1 or > 65535)
                context.Error(keyPath, $"Invalid value: {key}: {SharedRules.PortRange}");
        }
    }

    public static void AuthorizationPolicy(WebhookContext context, JsonObject spec)
    {
        const string Path = "spec";
        var targets = TargetFields.Count(f => spec[f] is not null);
        if (targets > 1)
            context.Error(Path, "only one of targetRefs, targetRef or workloadSelector can be set");
        SharedRules.Selector(context, spec["selector"]?["matchLabels"], "spec.selector.matchLabels");

        var action = Text(spec["action"]) ?? "ALLOW";
        var provider = Text(spec["provider"]?["name"]);
        if (action == "CUSTOM" && string.IsNullOrEmpty(provider))
            context.Error(Child(Path, "provider"), "must specify a provider for CUSTOM action");
        else if (action != "CUSTOM" && spec["provider"] is not null)
            context.Error(Child(Path, "provider"), "provider can only be used with CUSTOM action");

        foreach (var (i, rule) in Objects(spec["rules"]))
        {
            var rulePath = Index(Child(Path, "rules"), i);
            foreach (var (j, from) in Objects(rule["from"]))
                Source(context, from["source"] as JsonObject, Child(Index(Child(rulePath, "from"), j), "source"));
            foreach (var (j, to) in Objects(rule["to"]))
                Operation(context, to["operation"] as JsonObject, Child(Index(Child(rulePath, "to"), j), "operation"));
            foreach (var (j, when) in Objects(rule["when"]))
                Condition(context, when, Index(Child(rulePath, "when"), j));
        }
    }

    private static void Source(WebhookContext context, JsonObject? source, string path)
    {
        if (source is null || !SourceFields.Any(f => Count(source[f]) > 0))
        {
            context.Error(path, "from.source must not be empty");
            return;
        }

        if ((Count(source["serviceAccounts"]) > 0 || Count(source["notServiceAccounts"]) > 0)
            && (Count(source["principals"]) > 0 || Count(source["notPrincipals"]) > 0 || Count(source["namespaces"]) > 0 || Count(source["notNamespaces"]) > 0))
            context.Error(path, "Cannot set serviceAccounts with namespaces or principals");

        foreach (var field in SourceFields)
            NoEmptyValues(context, source[field], Child(path, field));
        foreach (var field in (string[])["ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"])
            SharedRules.IpOrCidrList(context, source[field], Child(path, field));
    }

    private static void Operation(WebhookContext context, JsonObject? operation, string path)
    {
        if (operation is null || !OperationFields.Any(f => Count(operation[f]) > 0))
        {
            context.Error(path, "to.operation must not be empty");
            return;
        }

        foreach (var field in OperationFields)
            NoEmptyValues(context, operation[field], Child(path, field));
        foreach (var field in (string[])["ports", "notPorts"])
        {
            foreach (var (i, port) in Strings(operation[field]))
                PortString(context, port, Index(Child(path, field), i));
        }
    }

    private static void Condition(WebhookContext context, JsonObject condition, string path)
    {
        var key = Text(condition["key"]) ?? string.Empty;
        if (key.Length == 0)
        {
            context.Error(Child(path, "key"), "when.key cannot be empty");
            return;
        }

        if (!ConditionKeys.Any(k => k.EndsWith('[') ? key.StartsWith(k, StringComparison.Ordinal) && key.EndsWith(']') && key.Length > k.Length + 1
                                                     : k.EndsWith('.') ? key.StartsWith(k, StringComparison.Ordinal) && key.Length > k.Length
                                                     : key == k))
            context.Error(Child(path, "key"), $"unknown attribute ({key})");
        if (Count(condition["values"]) == 0 && Count(condition["notValues"]) == 0)
            context.Error(path, $"at least one of values or notValues must be set for key {key}");

        foreach (var field in (string[])["values", "notValues"])
        {
            NoEmptyValues(context, condition[field], Child(path, field));
            if (key is "source.ip" or "remote.ip" or "destination.ip")
                SharedRules.IpOrCidrList(context, condition[field], Child(path, field));
            if (key == "destination.port")
            {
                foreach (var (i, port) in Strings(condition[field]))
                    PortString(context, port, Index(Child(path, field), i));
            }
        }
    }

    private static void PortString(WebhookContext context, string port, string path)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 0 or > 65535)
            context.Error(path, $"invalid port \"{port}\": must be a number in the range [0, 65535]");
    }

    private static void NoEmptyValues(WebhookContext context, JsonNode? values, string path)
    {
        foreach (var (i, value) in Strings(values))
        {
            if (value.Length == 0)
                context.Error(Index(path, i), "empty value is not allowed");
        }
    }
}
