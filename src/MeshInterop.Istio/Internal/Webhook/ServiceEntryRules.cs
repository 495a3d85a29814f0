using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>istiod's ServiceEntry and WorkloadEntry rules. Messages reuse the CRD's CEL wording where both layers check the same thing.</summary>
internal static class ServiceEntryRules
{
    public static void ServiceEntry(WebhookContext context, JsonObject spec, JsonObject obj)
    {
        const string Path = "spec";
        var hosts = Strings(spec["hosts"]).ToList();
        if (hosts.Count == 0)
            context.Error(Child(Path, "hosts"), "service entry must have at least one host");
        foreach (var (i, host) in hosts)
        {
            if (host == "*")
                context.Error(Index(Child(Path, "hosts"), i), "hostname cannot be wildcard");
            else
                SharedRules.WildcardHost(context, host, Index(Child(Path, "hosts"), i));
        }

        var resolution = Text(spec["resolution"]) ?? "NONE";
        foreach (var (i, address) in Strings(spec["addresses"]))
        {
            var addressPath = Index(Child(Path, "addresses"), i);
            if (!IstioNames.IsIpOrCidr(address))
                context.Error(addressPath, $"invalid address \"{address}\": not an IP address or CIDR range");
            else if (IstioNames.IsCidr(address) && resolution is not ("NONE" or "STATIC"))
                context.Error(addressPath, "CIDR addresses are allowed only for NONE/STATIC resolution types");
        }

        var declaredPorts = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<long>();
        var onlyHttpOrTls = true;
        var tcpOrUnset = false;
        foreach (var (i, port) in Objects(spec["ports"]))
        {
            var portPath = Index(Child(Path, "ports"), i);
            var name = Text(port["name"]) ?? string.Empty;
            if (!IstioNames.IsDns1123Label(name))
                context.Error(Child(portPath, "name"), $"invalid port name: \"{name}\" (must be a lowercase DNS-1123 label)");
            else if (!declaredPorts.Add(name))
                context.Error(Child(portPath, "name"), $"Duplicate value: port name \"{name}\"");
            if (SharedRules.Port(context, port["number"], Child(portPath, "number"))
                && JsonNumbers.TryGetInteger(port["number"], out var number) && !numbers.Add(number))
                context.Error(Child(portPath, "number"), "port number cannot be duplicated");
            SharedRules.Port(context, port["targetPort"], Child(portPath, "targetPort"));
            var protocol = Text(port["protocol"]);
            if (!string.IsNullOrEmpty(protocol) && !IstioNames.Protocols.Contains(protocol))
                context.Error(Child(portPath, "protocol"), $"unsupported protocol: \"{protocol}\"");
            onlyHttpOrTls &= IstioNames.IsHttpOrTlsProtocol(protocol);
            tcpOrUnset |= string.IsNullOrEmpty(protocol) || string.Equals(protocol, "TCP", StringComparison.OrdinalIgnoreCase);
        }

        if (resolution != "NONE" && hosts.Count > 1 && !onlyHttpOrTls)
            context.Error(Child(Path, "ports"), "multiple hosts provided with non-HTTP, non-TLS ports");

        var endpoints = Objects(spec["endpoints"]).ToList();
        var hasSelector = spec["workloadSelector"] is JsonObject;
        if (hasSelector && spec["endpoints"] is JsonArray)
            context.Error(Path, "only one of WorkloadSelector or Endpoints can be set");
        if (spec["workloadSelector"] is JsonObject selector)
            SharedRules.Selector(context, selector["labels"], Child(Child(Path, "workloadSelector"), "labels"));

        switch (resolution)
        {
            case "NONE" when endpoints.Count > 0:
                context.Error(Child(Path, "endpoints"), "NONE mode cannot set endpoints");
                break;
            case "DNS_ROUND_ROBIN" when endpoints.Count > 1:
                context.Error(Child(Path, "endpoints"), "DNS_ROUND_ROBIN mode cannot have multiple endpoints");
                break;
            case "DNS" or "DNS_ROUND_ROBIN" when endpoints.Count == 0 && !hasSelector:
                foreach (var (i, host) in hosts)
                {
                    if (host.StartsWith('*'))
                        context.Error(Index(Child(Path, "hosts"), i), $"hosts must be FQDN if no endpoints are provided for resolution mode {resolution}");
                }

                break;
            default:
                break;
        }

        foreach (var (i, endpoint) in endpoints)
        {
            var endpointPath = Index(Child(Path, "endpoints"), i);
            Endpoint(context, endpoint, endpointPath, resolution);
            if (resolution is "STATIC" or "DNS" && endpoint["ports"] is JsonObject endpointPorts)
            {
                foreach (var (portName, _) in endpointPorts)
                {
                    if (!declaredPorts.Contains(portName))
                        context.Error(Key(Child(endpointPath, "ports"), portName), $"endpoint port \"{portName}\" is not defined by the service entry");
                }
            }
        }

        SharedRules.ExportTo(context, spec["exportTo"], Child(Path, "exportTo"), isServiceEntry: true, hasWorkloadSelector: false);

        foreach (var (i, san) in Strings(spec["subjectAltNames"]))
        {
            if (san.Length == 0)
                context.Error(Index(Child(Path, "subjectAltNames"), i), "empty subjectAltName is not allowed");
        }

        var autoAllocateOff = string.Equals(Text(obj["metadata"]?["labels"]?["networking.istio.io/enable-autoallocate-ip"]), "false", StringComparison.Ordinal);
        if (autoAllocateOff && Count(spec["addresses"]) == 0 && tcpOrUnset)
            context.Warning(Child(Path, "addresses"), "addresses are required for ports serving TCP (or unset) protocol when auto-allocation is off");
    }

    /// <summary>A standalone WorkloadEntry's spec (also used for every ServiceEntry endpoint).</summary>
    public static void WorkloadEntry(WebhookContext context, JsonObject spec) => Endpoint(context, spec, "spec", resolution: null);

    private static void Endpoint(WebhookContext context, JsonObject endpoint, string path, string? resolution)
    {
        var address = Text(endpoint["address"]) ?? string.Empty;
        var network = Text(endpoint["network"]) ?? string.Empty;
        var addressPath = Child(path, "address");
        if (address.Length == 0)
        {
            if (network.Length == 0)
                context.Error(addressPath, "Address is required");
        }
        else if (address.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = address["unix://".Length..];
            if (!socket.StartsWith('/') && !socket.StartsWith('@'))
                context.Error(addressPath, "UDS must be an absolute path or abstract socket");
            else if (socket.EndsWith('/'))
                context.Error(addressPath, "UDS may not be a dir");
            if (Count(endpoint["ports"]) > 0)
                context.Error(Child(path, "ports"), "UDS may not include ports");
        }
        else if (resolution == "STATIC" && !IstioNames.IsIpAddress(address))
        {
            context.Error(addressPath, $"endpoint address \"{address}\" is not a valid IP address");
        }
        else if (!IstioNames.IsIpAddress(address) && IstioNames.CheckFqdn(address) is { } error)
        {
            context.Error(addressPath, error);
        }

        if (endpoint["ports"] is JsonObject ports)
        {
            foreach (var (name, port) in ports)
            {
                if (!IsEndpointPortName(name))
                    context.Error(Child(path, "ports"), $"Invalid value: \"{name}\": port name must be valid");
                SharedRules.Port(context, port, Key(Child(path, "ports"), name));
            }
        }

        SharedRules.Labels(context, endpoint["labels"], Child(path, "labels"));
    }

    // The CRD's CEL rule for endpoint port keys: ^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$ and shorter than 63.
    private static bool IsEndpointPortName(string name) =>
        name.Length is > 0 and < 63 && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
