using System.Text.Json.Nodes;
using static MeshInterop.Istio.Internal.Webhook.WebhookContext;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>istiod's Gateway rules: name, servers, hosts, ports and server TLS combinations.</summary>
internal static class GatewayRules
{
    private static readonly string[] CertificateFields = ["serverCertificate", "privateKey", "caCertificates", "caCrl", "credentialName"];

    public static void Gateway(WebhookContext context, JsonObject spec, JsonObject obj)
    {
        const string Path = "spec";
        var name = Text(obj["metadata"]?["name"]) ?? string.Empty;
        if (!IstioNames.IsDns1123Label(name))
            context.Error("metadata.name", $"invalid gateway name: \"{name}\" (must be a DNS-1123 label: lowercase, no dots, at most 63)");

        SharedRules.Selector(context, spec["selector"], Child(Path, "selector"));
        var servers = Objects(spec["servers"]).ToList();
        if (servers.Count == 0)
            context.Error(Child(Path, "servers"), "gateway must have at least one server");

        var portNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, server) in servers)
        {
            var serverPath = Index(Child(Path, "servers"), i);
            Server(context, server, serverPath);
            var portName = Text(server["port"]?["name"]);
            if (!string.IsNullOrEmpty(portName) && !portNames.Add(portName))
                context.Error(Child(Child(serverPath, "port"), "name"), $"port names in servers must be unique: duplicate name {portName}");
        }
    }

    private static void Server(WebhookContext context, JsonObject server, string path)
    {
        var hosts = Strings(server["hosts"]).ToList();
        if (hosts.Count == 0)
            context.Error(Child(path, "hosts"), "server config must contain at least one host");
        foreach (var (i, host) in hosts)
            NamespacedHost(context, host, Index(Child(path, "hosts"), i));

        var protocol = Text(server["port"]?["protocol"]);
        if (server["port"] is not JsonObject port)
        {
            context.Error(Child(path, "port"), "port is required");
        }
        else
        {
            var portPath = Child(path, "port");
            if (string.IsNullOrEmpty(protocol) || !IstioNames.Protocols.Contains(protocol))
                context.Error(Child(portPath, "protocol"), $"invalid protocol \"{protocol}\", supported protocols are {string.Join(", ", IstioNames.Protocols.Order(StringComparer.Ordinal))}");
            if (port["number"] is null)
                context.Error(Child(portPath, "number"), "Required value: port number");
            SharedRules.Port(context, port["number"], Child(portPath, "number"));
            if (string.IsNullOrEmpty(Text(port["name"])))
                context.Error(Child(portPath, "name"), "port name must be set");
            if (port["targetPort"] is not null)
                context.Error(Child(portPath, "targetPort"), "targetPort has no effect on Gateways and is not supported");
        }

        var bind = Text(server["bind"]);
        if (!string.IsNullOrEmpty(bind) && !IstioNames.IsIpAddress(bind) && !bind.StartsWith("unix://", StringComparison.Ordinal))
            context.Error(Child(path, "bind"), $"bind \"{bind}\" is not a valid IP address or unix:// socket");

        var tls = server["tls"] as JsonObject;
        var tlsPath = Child(path, "tls");
        if (IstioNames.IsTlsProtocol(protocol) && tls is null)
            context.Error(tlsPath, "server must have TLS settings for HTTPS/TLS protocols");
        else if (!IstioNames.IsTlsProtocol(protocol) && tls is not null)
        {
            var redirectOnly = tls.All(p => p.Key == "httpsRedirect");
            if (!IstioNames.IsHttpProtocol(protocol))
                context.Error(tlsPath, "server cannot have TLS settings for non HTTPS/TLS ports");
            else if (!redirectOnly)
                context.Error(tlsPath, "server cannot have TLS settings for plain text HTTP ports");
        }

        if (tls is not null)
            ServerTls(context, tls, tlsPath);
    }

    // [<namespace>/]<host>: namespace "*", "." or a DNS-1123 label; host an FQDN, "*" or "*.<suffix>".
    private static void NamespacedHost(WebhookContext context, string value, string path)
    {
        var parts = value.Split('/');
        if (parts.Length > 2)
        {
            context.Error(path, $"host must be of form namespace/dnsName: \"{value}\"");
            return;
        }

        if (parts.Length == 2 && parts[0] is not ("*" or ".") && !IstioNames.IsDns1123Label(parts[0]))
            context.Error(path, $"invalid namespace value \"{parts[0]}\" in host \"{value}\"");
        SharedRules.WildcardHost(context, parts[^1], path, allowPartialWildcard: false);
    }

    /// <summary>istiod's <c>validateTLSOptions</c> for ServerTLSSettings (1.24 fields).</summary>
    private static void ServerTls(WebhookContext context, JsonObject tls, string path)
    {
        var mode = Text(tls["mode"]) ?? "PASSTHROUGH";
        bool Has(string field) => IsSet(tls[field]);
        switch (mode)
        {
            case "ISTIO_MUTUAL":
                foreach (var field in CertificateFields.Where(Has))
                    context.Error(Child(path, field), $"cannot have associated {field} when tls mode is ISTIO_MUTUAL");
                return;
            case "PASSTHROUGH" or "AUTO_PASSTHROUGH":
                if (CertificateFields.Any(Has))
                    context.Warning(path, $"{mode} mode does not use certificates, they will be ignored");
                return;
            default:
                break;
        }

        if (Has("credentialName"))
        {
            if (Has("serverCertificate") || Has("privateKey") || Has("caCertificates"))
                context.Error(path, "only one certificate source may be set: credentialName, or serverCertificate and privateKey");
            if (Has("caCrl"))
                context.Error(Child(path, "caCrl"), "caCrl is not supported with credentialName");
            return;
        }

        if (!Has("serverCertificate"))
            context.Error(Child(path, "serverCertificate"), $"{mode} TLS requires a server certificate");
        if (!Has("privateKey"))
            context.Error(Child(path, "privateKey"), $"{mode} TLS requires a private key");
        if (mode is "MUTUAL" or "OPTIONAL_MUTUAL" && !Has("caCertificates"))
            context.Error(Child(path, "caCertificates"), $"{mode} TLS requires a client CA bundle");
        if (mode == "SIMPLE" && Has("caCrl"))
            context.Error(Child(path, "caCrl"), "caCrl is not supported with SIMPLE TLS");
    }
}
