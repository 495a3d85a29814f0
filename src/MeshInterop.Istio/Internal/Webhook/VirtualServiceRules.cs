using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>istiod's VirtualService rules for the parts the adapter emits: hosts, gateways, exportTo, TLS and TCP routes.</summary>
internal static class VirtualServiceRules
{
    public static void VirtualService(WebhookContext context, JsonObject spec)
    {
        const string Path = "spec";
        var hosts = Strings(spec["hosts"]).Select(p => p.Value).ToList();
        var gateways = Strings(spec["gateways"]).Select(p => p.Value).ToList();
        var boundToMesh = gateways.Count == 0 || gateways.Contains("mesh", StringComparer.Ordinal);
        var gatewaySemantics = gateways.Any(g => g != "mesh");

        if (hosts.Count == 0)
            context.Error(Child(Path, "hosts"), "virtual service must have at least one host");
        foreach (var (i, host) in Strings(spec["hosts"]))
        {
            var hostPath = Index(Child(Path, "hosts"), i);
            if (host == "*" && boundToMesh)
                context.Error(hostPath, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
            else if (IstioNames.IsIpAddress(host))
                context.Error(hostPath, $"virtual service host \"{host}\" cannot be an IP address");
            else
                SharedRules.WildcardHost(context, host, hostPath);
        }

        GatewayNames(context, spec["gateways"], Child(Path, "gateways"));
        SharedRules.ExportTo(context, spec["exportTo"], Child(Path, "exportTo"), isServiceEntry: false, hasWorkloadSelector: false);

        if (Count(spec["http"]) + Count(spec["tls"]) + Count(spec["tcp"]) == 0)
            context.Error(Path, "http, tcp or tls must be provided in virtual service");

        foreach (var (i, route) in Objects(spec["tls"]))
        {
            var routePath = Index(Child(Path, "tls"), i);
            var matches = Objects(route["match"]).ToList();
            if (matches.Count == 0)
                context.Error(Child(routePath, "match"), "TLS route must have at least one match condition");
            foreach (var (j, match) in matches)
            {
                var matchPath = Index(Child(routePath, "match"), j);
                var sniHosts = Strings(match["sniHosts"]).ToList();
                if (sniHosts.Count == 0)
                    context.Error(Child(matchPath, "sniHosts"), "TLS match must have at least one SNI host");
                foreach (var (k, sni) in sniHosts)
                    SniHost(context, sni, hosts, gatewaySemantics, Index(Child(matchPath, "sniHosts"), k));
                L4Match(context, match, matchPath);
            }

            Destinations(context, route["route"], Child(routePath, "route"), "TLS route is required");
        }

        foreach (var (i, route) in Objects(spec["tcp"]))
        {
            var routePath = Index(Child(Path, "tcp"), i);
            foreach (var (j, match) in Objects(route["match"]))
                L4Match(context, match, Index(Child(routePath, "match"), j));
            Destinations(context, route["route"], Child(routePath, "route"), "TCP route is required");
        }
    }

    private static void L4Match(WebhookContext context, JsonObject match, string path)
    {
        SharedRules.IpOrCidrList(context, match["destinationSubnets"], Child(path, "destinationSubnets"));
        if (JsonNumbers.TryGetInteger(match["port"], out var port) && port != 0)
            SharedRules.Port(context, match["port"], Child(path, "port"));
        SharedRules.Labels(context, match["sourceLabels"], Child(path, "sourceLabels"));
        GatewayNames(context, match["gateways"], Child(path, "gateways"));
        var sourceNamespace = Text(match["sourceNamespace"]);
        if (!string.IsNullOrEmpty(sourceNamespace) && !IstioNames.IsDns1123Label(sourceNamespace))
            context.Error(Child(path, "sourceNamespace"), $"invalid sourceNamespace \"{sourceNamespace}\"");
    }

    private static void SniHost(WebhookContext context, string sni, List<string> hosts, bool gatewaySemantics, string path)
    {
        // A gateway-bound route may match Istio's auto-passthrough SNI, outbound_.<port>_.<subset>_.<host>.
        var target = sni;
        if (gatewaySemantics && sni.StartsWith("outbound_.", StringComparison.Ordinal))
        {
            var parts = sni.Split('.', 4);
            if (parts.Length == 4 && parts[1].EndsWith('_') && parts[2].EndsWith('_'))
                target = parts[3];
        }

        if (IstioNames.CheckWildcardDomain(target, out _) is { } error)
        {
            if (IstioNames.IsIpAddress(target))
                context.Warning(path, $"using an IP address (\"{target}\") goes against SNI spec and most clients do not support this");
            else
                context.Error(path, error);
            return;
        }

        if (!hosts.Any(h => IsSubsetOf(target, h)))
            context.Error(path, $"SNI host \"{sni}\" is not a compatible subset of any of the virtual service hosts: [{string.Join(", ", hosts)}]");
    }

    // istio host.Name.SubsetOf: equal, or covered by a wildcard host ("*" or "*.suffix").
    private static bool IsSubsetOf(string sni, string host)
    {
        if (host == "*" || string.Equals(sni, host, StringComparison.OrdinalIgnoreCase))
            return true;
        if (!host.StartsWith('*'))
            return false;
        var suffix = host[1..];
        if (sni.StartsWith('*'))
            return sni[1..].EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        return sni.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static void GatewayNames(WebhookContext context, JsonNode? gateways, string path)
    {
        foreach (var (i, gateway) in Strings(gateways))
        {
            var itemPath = Index(path, i);
            var slash = gateway.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                if (gateway != "mesh" && !IstioNames.IsDns1123Label(gateway))
                    context.Error(itemPath, $"invalid gateway name: \"{gateway}\"");
                continue;
            }

            if (!IstioNames.IsDns1123Label(gateway[..slash]))
                context.Error(itemPath, $"invalid namespace name in gateway \"{gateway}\"");
            if (!IstioNames.IsDns1123Label(gateway[(slash + 1)..]))
                context.Error(itemPath, $"invalid gateway name: \"{gateway}\"");
        }
    }

    private static void Destinations(WebhookContext context, JsonNode? routes, string path, string missing)
    {
        var destinations = Objects(routes).ToList();
        if (destinations.Count == 0)
            context.Error(path, missing);
        foreach (var (i, route) in destinations)
        {
            var routePath = Index(path, i);
            if (route["destination"] is not JsonObject destination)
            {
                context.Error(Child(routePath, "destination"), "destination is required");
                continue;
            }

            var destinationPath = Child(routePath, "destination");
            var host = Text(destination["host"]);
            if (string.IsNullOrEmpty(host))
                context.Error(Child(destinationPath, "host"), "destination.host is required");
            else if (host == "*")
                context.Error(Child(destinationPath, "host"), "destination.host cannot be the wildcard *");
            else
                SharedRules.WildcardHost(context, host, Child(destinationPath, "host"));
            var subset = Text(destination["subset"]);
            if (!string.IsNullOrEmpty(subset) && !IstioNames.IsDns1123Label(subset))
                context.Error(Child(destinationPath, "subset"), $"subset name is invalid: \"{subset}\"");
            SharedRules.Port(context, destination["port"]?["number"], Child(Child(destinationPath, "port"), "number"));
            if (JsonNumbers.TryGetInteger(route["weight"], out var weight) && weight < 0)
                context.Error(Child(routePath, "weight"), $"weight {weight} < 0");
        }
    }
}
