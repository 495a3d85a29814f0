using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>istiod's DestinationRule rules: host, exportTo, subsets, traffic policy and client TLS combinations.</summary>
internal static class DestinationRuleRules
{
    public static void DestinationRule(WebhookContext context, JsonObject spec)
    {
        const string Path = "spec";
        var host = Text(spec["host"]);
        if (string.IsNullOrEmpty(host))
            context.Error(Child(Path, "host"), "Required value: destination rule must have a host");
        else
            SharedRules.WildcardHost(context, host, Child(Path, "host"));

        var hasSelector = spec["workloadSelector"] is JsonObject;
        if (spec["workloadSelector"] is JsonObject selector)
            SharedRules.Selector(context, selector["matchLabels"], Child(Child(Path, "workloadSelector"), "matchLabels"));
        SharedRules.ExportTo(context, spec["exportTo"], Child(Path, "exportTo"), isServiceEntry: false, hasWorkloadSelector: hasSelector);

        TrafficPolicy(context, spec["trafficPolicy"] as JsonObject, Child(Path, "trafficPolicy"), topLevel: true);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, subset) in Objects(spec["subsets"]))
        {
            var subsetPath = Index(Child(Path, "subsets"), i);
            var name = Text(subset["name"]) ?? string.Empty;
            if (!IstioNames.IsDns1123Label(name))
                context.Error(Child(subsetPath, "name"), $"invalid subset name: \"{name}\"");
            else if (!names.Add(name))
                context.Error(Child(subsetPath, "name"), $"duplicate subset name \"{name}\"");
            SharedRules.Labels(context, subset["labels"], Child(subsetPath, "labels"));
            TrafficPolicy(context, subset["trafficPolicy"] as JsonObject, Child(subsetPath, "trafficPolicy"), topLevel: true);
        }
    }

    private static void TrafficPolicy(WebhookContext context, JsonObject? policy, string path, bool topLevel)
    {
        if (policy is null)
            return;
        if (policy.Count == 0)
        {
            context.Error(path, "traffic policy must have at least one field");
            return;
        }

        if (policy["tunnel"] is not null && policy["proxyProtocol"] is not null)
            context.Error(path, "tunnel and proxyProtocol cannot be set together");
        OutlierDetection(context, policy["outlierDetection"] as JsonObject, Child(path, "outlierDetection"));
        LoadBalancer(context, policy["loadBalancer"] as JsonObject, Child(path, "loadBalancer"), policy["outlierDetection"] is not null);
        ClientTls(context, policy["tls"] as JsonObject, Child(path, "tls"));

        if (!topLevel)
            return;
        var ports = new HashSet<long>();
        foreach (var (i, portPolicy) in Objects(policy["portLevelSettings"]))
        {
            var portPath = Index(Child(path, "portLevelSettings"), i);
            var number = portPolicy["port"]?["number"];
            if (number is null)
                context.Error(Child(portPath, "port"), "portTrafficPolicy must have valid port");
            else if (SharedRules.Port(context, number, Child(Child(portPath, "port"), "number"))
                     && JsonNumbers.TryGetInteger(number, out var n) && !ports.Add(n))
                context.Error(Child(Child(portPath, "port"), "number"), $"duplicate port level setting for port {n}");
            var rest = portPolicy.Where(p => p.Key != "port").ToList();
            if (rest.Count == 0)
                context.Error(portPath, "port traffic policy must have at least one field");
            OutlierDetection(context, portPolicy["outlierDetection"] as JsonObject, Child(portPath, "outlierDetection"));
            LoadBalancer(context, portPolicy["loadBalancer"] as JsonObject, Child(portPath, "loadBalancer"), portPolicy["outlierDetection"] is not null || policy["outlierDetection"] is not null);
            ClientTls(context, portPolicy["tls"] as JsonObject, Child(portPath, "tls"));
        }
    }

    private static void OutlierDetection(WebhookContext context, JsonObject? detection, string path)
    {
        if (detection is null)
            return;
        foreach (var field in (string[])["maxEjectionPercent", "minHealthPercent"])
        {
            if (JsonNumbers.TryGet(detection[field], out var percent, out _) && percent is < 0 or > 100)
                context.Error(Child(path, field), $"outlier detection {field} must be in range [0, 100]");
        }
    }

    private static void LoadBalancer(WebhookContext context, JsonObject? loadBalancer, string path, bool hasOutlierDetection)
    {
        if (loadBalancer?["localityLbSetting"] is not JsonObject locality)
            return;
        var localityPath = Child(path, "localityLbSetting");
        var distribute = Objects(locality["distribute"]).ToList();
        var failover = Objects(locality["failover"]).ToList();
        if (distribute.Count > 0 && failover.Count > 0)
            context.Error(localityPath, "can not simultaneously set 'distribute' and 'failover'");
        if (failover.Count > 0 && !hasOutlierDetection)
            context.Warning(Child(localityPath, "failover"), "outlier detection policy must be provided for failover");

        foreach (var (i, entry) in distribute)
        {
            var entryPath = Index(Child(localityPath, "distribute"), i);
            var total = 0L;
            if (entry["to"] is JsonObject to)
            {
                foreach (var (locale, weight) in to)
                {
                    if (!JsonNumbers.TryGetInteger(weight, out var w) || w is < 1 or > 100)
                        context.Error(Key(Child(entryPath, "to"), locale), "locality weight must be in range [1, 100]");
                    else
                        total += w;
                }
            }

            if (total != 100)
                context.Error(Child(entryPath, "to"), $"total locality weight {total} != 100");
        }

        foreach (var (i, pair) in failover)
        {
            if (string.Equals(Text(pair["from"]), Text(pair["to"]), StringComparison.Ordinal))
                context.Error(Index(Child(localityPath, "failover"), i), "locality lb failover settings must specify different regions");
        }
    }

    /// <summary>istiod's <c>validateTLS</c> for ClientTLSSettings.</summary>
    private static void ClientTls(WebhookContext context, JsonObject? tls, string path)
    {
        if (tls is null)
            return;
        var mode = Text(tls["mode"]) ?? "DISABLE";
        bool Has(string field) => IsSet(tls[field]);
        if (tls["insecureSkipVerify"] is JsonValue skip && skip.TryGetValue<bool>(out var insecure) && insecure)
        {
            if (mode is "SIMPLE" or "MUTUAL" && Has("caCertificates"))
                context.Error(Child(path, "caCertificates"), "cannot specify CaCertificates when InsecureSkipVerify is set to true");
            if (mode == "SIMPLE" && Has("credentialName"))
                context.Error(Child(path, "credentialName"), "cannot specify CredentialName when InsecureSkipVerify is set to true");
            if (mode is "SIMPLE" or "MUTUAL" && Has("subjectAltNames"))
                context.Error(Child(path, "subjectAltNames"), "cannot specify SubjectAltNames when InsecureSkipVerify is set to true");
        }

        if (mode is "SIMPLE" or "MUTUAL" && Has("credentialName"))
        {
            if (Has("clientCertificate") || Has("privateKey") || Has("caCertificates") || Has("caCrl"))
                context.Error(path, "cannot specify client certificates or CA certificate or CA CRL if credentialName is set");
            return;
        }

        if (mode == "MUTUAL")
        {
            if (!Has("clientCertificate"))
                context.Error(Child(path, "clientCertificate"), "client certificate required for mutual tls");
            if (!Has("privateKey"))
                context.Error(Child(path, "privateKey"), "private key required for mutual tls");
        }
    }
}
