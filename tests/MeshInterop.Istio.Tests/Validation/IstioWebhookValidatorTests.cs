using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Validation;

/// <summary>
/// The ported webhook rules, case by case. Istio's corpus has no Gateway or VirtualService documents, so those
/// kinds (and the TLS combinations) are covered only here.
/// </summary>
public sealed class IstioWebhookValidatorTests
{
    private static ValidationResult Validate(string kind, string spec, string name = "obj", string group = "networking.istio.io")
    {
        var obj = (JsonObject)YamlJson.ReadDocuments($"apiVersion: {group}/v1\nkind: {kind}\nmetadata: {{name: {name}, namespace: ns}}\nspec: {spec}\n").Single()!;
        return IstioWebhookValidator.Validate(obj);
    }

    private static void AssertError(ValidationResult result, string path, string message)
    {
        Assert.True(
            result.Errors.Any(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected error at '{path}' containing '{message}', got: {result}");
    }

    private static void AssertValid(ValidationResult result) => Assert.True(result.IsValid, result.ToString());

    private const string GatewayServer = "{port: {number: 15443, name: tls, protocol: TLS}, hosts: [a.example], tls: {mode: AUTO_PASSTHROUGH}}";

    [Theory]
    [InlineData("example.com")]
    [InlineData("*.example.com")]
    [InlineData("Reviews.Example.COM")]
    [InlineData("a-b.c-d.e")]
    public void ServiceEntry_ValidHost_Accepted(string host) =>
        AssertValid(Validate("ServiceEntry", $"{{hosts: ['{host}']}}"));

    [Theory]
    [InlineData("foo*", "label \"foo*\" invalid")]
    [InlineData("a.*.example", "label \"*\" invalid")]
    [InlineData("example.123", "top level domain \"123\" cannot be all-numeric")]
    [InlineData("a..example", "label \"\" invalid")]
    [InlineData("-a.example", "label \"-a\" invalid")]
    [InlineData("a_b.example", "label \"a_b\" invalid")]
    [InlineData("*", "hostname cannot be wildcard")]
    public void ServiceEntry_InvalidHost_Rejected(string host, string message) =>
        AssertError(Validate("ServiceEntry", $"{{hosts: ['{host}']}}"), "spec.hosts[0]", message);

    [Fact]
    public void ServiceEntry_HostLongerThan255_Rejected() =>
        AssertError(Validate("ServiceEntry", $"{{hosts: ['{string.Join('.', Enumerable.Repeat(new string('a', 63), 5))}']}}"), "spec.hosts[0]", "too long (max 255)");

    [Theory]
    [InlineData("*x.example")]
    [InlineData("*-x.example")]
    public void ServiceEntry_PartialWildcard_Warning(string host)
    {
        var result = Validate("ServiceEntry", $"{{hosts: ['{host}']}}");
        Assert.True(result.IsValid, result.ToString());
        Assert.Contains(result.Warnings, w => w.Path == "spec.hosts[0]" && w.Message.Contains("partial wildcard", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{hosts: [a.example], ports: [{number: 80, name: HTTP, protocol: HTTP}]}", "spec.ports[0].name", "invalid port name")]
    [InlineData("{hosts: [a.example], ports: [{number: 80, name: http, protocol: SCTP}]}", "spec.ports[0].protocol", "unsupported protocol: \"SCTP\"")]
    [InlineData("{hosts: [a.example], ports: [{number: 0, name: http}]}", "spec.ports[0].number", "port must be between 1-65535")]
    [InlineData("{hosts: [a.example, b.example], resolution: STATIC, ports: [{number: 80, name: tcp, protocol: TCP}]}", "spec.ports", "multiple hosts provided with non-HTTP, non-TLS ports")]
    [InlineData("{hosts: [a.example], addresses: [1.2.3.4/99]}", "spec.addresses[0]", "not an IP address or CIDR")]
    [InlineData("{hosts: [a.example], addresses: [01.2.3.4]}", "spec.addresses[0]", "not an IP address or CIDR")]
    [InlineData("{hosts: [a.example], resolution: STATIC, ports: [{number: 80, name: http}], endpoints: [{address: a.example}]}", "spec.endpoints[0].address", "is not a valid IP address")]
    [InlineData("{hosts: [a.example], resolution: STATIC, ports: [{number: 80, name: http}], endpoints: [{address: 1.2.3.4, ports: {grpc: 90}}]}", "spec.endpoints[0].ports[grpc]", "is not defined by the service entry")]
    [InlineData("{hosts: ['*.example'], resolution: DNS}", "spec.hosts[0]", "hosts must be FQDN if no endpoints are provided")]
    [InlineData("{hosts: [a.example], resolution: DNS, endpoints: [{address: 'bad_name.example'}]}", "spec.endpoints[0].address", "invalid (label \"bad_name\" invalid)")]
    [InlineData("{hosts: [a.example], workloadSelector: {labels: {'*': v}}}", "spec.workloadSelector.labels[*]", "wildcard is not supported in selector")]
    [InlineData("{hosts: [a.example], workloadSelector: {labels: {'': v}}}", "spec.workloadSelector.labels[]", "empty key is not supported in selector")]
    [InlineData("{hosts: [a.example], exportTo: [Bad]}", "spec.exportTo[0]", "only .,*, or a valid DNS 1123 label")]
    [InlineData("{hosts: [a.example], exportTo: [., ns]}", "spec.exportTo[1]", "duplicate entries in exportTo: ns")]
    [InlineData("{hosts: [a.example], exportTo: ['*', a]}", "spec.exportTo", "cannot have both public (*) and non-public")]
    [InlineData("{hosts: [a.example], exportTo: ['~', a]}", "spec.exportTo", "cannot export service entry to no one (~) and someone")]
    [InlineData("{hosts: [a.example], resolution: STATIC, endpoints: [{address: 1.2.3.4, labels: {'bad key!': v}}]}", "spec.endpoints[0].labels[bad key!]", "invalid label key")]
    public void ServiceEntry_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("ServiceEntry", spec), path, message);

    [Fact]
    public void ServiceEntry_AutoAllocationOffWithTcpPortAndNoAddress_Warning()
    {
        var obj = (JsonObject)YamlJson.ReadDocuments("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: se, namespace: ns, labels: {networking.istio.io/enable-autoallocate-ip: "false"}}
            spec: {hosts: [a.example], ports: [{number: 5432, name: tcp-db, protocol: TCP}]}
            """).Single()!;
        var result = IstioWebhookValidator.Validate(obj);
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Message.StartsWith("addresses are required for ports serving TCP", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{address: 'unix://rel'}", "spec.address", "UDS must be an absolute path or abstract socket")]
    [InlineData("{address: '1.2.3.4', ports: {'a_b': 80}}", "spec.ports", "port name must be valid")]
    [InlineData("{address: '1.2.3.4', ports: {http: 0}}", "spec.ports[http]", "port must be between 1-65535")]
    [InlineData("{address: 'not an address'}", "spec.address", "invalid")]
    public void WorkloadEntry_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("WorkloadEntry", spec), path, message);

    [Theory]
    [InlineData("{host: a.example, trafficPolicy: {}}", "spec.trafficPolicy", "traffic policy must have at least one field")]
    [InlineData("{host: a.example, exportTo: ['~']}", "spec.exportTo[0]", "allowed only on a ServiceEntry")]
    [InlineData("{host: a.example, workloadSelector: {matchLabels: {app: a}}, exportTo: [other]}", "spec.exportTo[0]", "cannot have exportTo beyond current namespace")]
    [InlineData("{host: a.example, subsets: [{name: a}, {name: a}]}", "spec.subsets[1].name", "duplicate subset name")]
    [InlineData("{host: a.example, subsets: [{name: A}]}", "spec.subsets[0].name", "invalid subset name")]
    [InlineData("{host: a.example, trafficPolicy: {tls: {mode: MUTUAL}}}", "spec.trafficPolicy.tls.clientCertificate", "client certificate required for mutual tls")]
    [InlineData("{host: a.example, trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: c}}}", "spec.trafficPolicy.tls.privateKey", "private key required for mutual tls")]
    [InlineData("{host: a.example, trafficPolicy: {tls: {mode: SIMPLE, credentialName: s, caCertificates: ca}}}", "spec.trafficPolicy.tls", "cannot specify client certificates or CA certificate or CA CRL if credentialName is set")]
    [InlineData("{host: a.example, trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, subjectAltNames: [x]}}}", "spec.trafficPolicy.tls.subjectAltNames", "InsecureSkipVerify")]
    [InlineData("{host: a.example, trafficPolicy: {tls: {mode: MUTUAL, insecureSkipVerify: true, clientCertificate: c, privateKey: k, caCertificates: ca}}}", "spec.trafficPolicy.tls.caCertificates", "InsecureSkipVerify")]
    [InlineData("{host: a.example, trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: MUTUAL}}]}}", "spec.trafficPolicy.portLevelSettings[0].tls.clientCertificate", "client certificate required")]
    [InlineData("{host: a.example, trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}}", "spec.trafficPolicy.portLevelSettings[0]", "must have at least one field")]
    [InlineData("{host: a.example, trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: ISTIO_MUTUAL}}, {port: {number: 80}, tls: {mode: ISTIO_MUTUAL}}]}}", "spec.trafficPolicy.portLevelSettings[1].port.number", "duplicate port level setting")]
    [InlineData("{host: a.example, trafficPolicy: {outlierDetection: {maxEjectionPercent: 101}}}", "spec.trafficPolicy.outlierDetection.maxEjectionPercent", "[0, 100]")]
    [InlineData("{host: a.example, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a/*, to: {b/*: 60}}]}}}}", "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to", "total locality weight 60 != 100")]
    [InlineData("{host: a.example, trafficPolicy: {outlierDetection: {consecutive5xxErrors: 1}, loadBalancer: {localityLbSetting: {distribute: [{from: a/*, to: {b/*: 100}}], failover: [{from: a, to: b}]}}}}", "spec.trafficPolicy.loadBalancer.localityLbSetting", "can not simultaneously set 'distribute' and 'failover'")]
    [InlineData("{host: a.example, trafficPolicy: {tunnel: {protocol: CONNECT}, proxyProtocol: {}}}", "spec.trafficPolicy", "tunnel and proxyProtocol cannot be set together")]
    [InlineData("{host: 'foo*'}", "spec.host", "invalid")]
    public void DestinationRule_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("DestinationRule", spec), path, message);

    [Fact]
    public void DestinationRule_FailoverWithoutOutlierDetection_Warning()
    {
        var result = Validate("DestinationRule", "{host: a.example, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}}}");
        Assert.True(result.IsValid, result.ToString());
        Assert.Contains(result.Warnings, w => w.Message.Contains("outlier detection policy must be provided for failover", StringComparison.Ordinal));
    }

    [Fact]
    public void DestinationRule_MutualWithCredentialName_Accepted() =>
        AssertValid(Validate("DestinationRule", "{host: a.example, trafficPolicy: {tls: {mode: MUTUAL, credentialName: client-cert, sni: peer.example, subjectAltNames: [spiffe://west/gw]}}}"));

    [Fact]
    public void Gateway_AutoPassthrough_Accepted() =>
        AssertValid(Validate("Gateway", $"{{selector: {{istio: federation}}, servers: [{GatewayServer}]}}", name: "mi-gw-federation"));

    [Theory]
    [InlineData("{servers: []}", "spec.servers", "gateway must have at least one server")]
    [InlineData("{servers: [{port: {number: 15443, name: tls, protocol: TLS}, hosts: [a.example]}]}", "spec.servers[0].tls", "server must have TLS settings for HTTPS/TLS protocols")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example], tls: {mode: SIMPLE, credentialName: c}}]}", "spec.servers[0].tls", "server cannot have TLS settings for plain text HTTP ports")]
    [InlineData("{servers: [{port: {number: 90, name: tcp, protocol: TCP}, hosts: [a.example], tls: {mode: SIMPLE, credentialName: c}}]}", "spec.servers[0].tls", "server cannot have TLS settings for non HTTPS/TLS ports")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: ''}, hosts: [a.example]}]}", "spec.servers[0].port.protocol", "invalid protocol")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}, hosts: [a.example]}]}", "spec.servers[0].port.targetPort", "not supported")]
    [InlineData("{servers: [{port: {number: 80, protocol: HTTP}, hosts: [a.example]}]}", "spec.servers[0].port.name", "port name must be set")]
    [InlineData("{servers: [{port: {number: 80, name: p, protocol: HTTP}, hosts: [a.example]}, {port: {number: 81, name: p, protocol: HTTP}, hosts: [b.example]}]}", "spec.servers[1].port.name", "duplicate name p")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: []}]}", "spec.servers[0].hosts", "at least one host")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*x.example']}]}", "spec.servers[0].hosts[0]", "partial wildcard")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['a/b/c.example']}]}", "spec.servers[0].hosts[0]", "namespace/dnsName")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['Bad_NS/a.example']}]}", "spec.servers[0].hosts[0]", "invalid namespace value")]
    [InlineData("{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example], bind: 'not-ip'}]}", "spec.servers[0].bind", "not a valid IP address")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [a.example], tls: {mode: ISTIO_MUTUAL, credentialName: c}}]}", "spec.servers[0].tls.credentialName", "when tls mode is ISTIO_MUTUAL")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: HTTPS}, hosts: [a.example], tls: {mode: SIMPLE}}]}", "spec.servers[0].tls.serverCertificate", "SIMPLE TLS requires a server certificate")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: HTTPS}, hosts: [a.example], tls: {mode: MUTUAL, serverCertificate: c, privateKey: k}}]}", "spec.servers[0].tls.caCertificates", "MUTUAL TLS requires a client CA bundle")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: HTTPS}, hosts: [a.example], tls: {mode: SIMPLE, credentialName: c, serverCertificate: s}}]}", "spec.servers[0].tls", "only one certificate source")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: HTTPS}, hosts: [a.example], tls: {mode: SIMPLE, credentialName: c, caCrl: crl}}]}", "spec.servers[0].tls.caCrl", "not supported with credentialName")]
    [InlineData("{servers: [{port: {number: 443, name: tls, protocol: HTTPS}, hosts: [a.example], tls: {mode: SIMPLE, serverCertificate: s, privateKey: k, caCrl: crl}}]}", "spec.servers[0].tls.caCrl", "not supported with SIMPLE TLS")]
    [InlineData("{selector: {'a*': b}, servers: [" + GatewayServer + "]}", "spec.selector[a*]", "wildcard is not supported in selector")]
    public void Gateway_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("Gateway", spec, name: "gw"), path, message);

    [Fact]
    public void Gateway_NameWithDot_Rejected() =>
        AssertError(Validate("Gateway", $"{{servers: [{GatewayServer}]}}", name: "mi.gw"), "metadata.name", "invalid gateway name");

    [Fact]
    public void Gateway_PassthroughWithCertificate_Warning()
    {
        var result = Validate("Gateway", "{servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [a.example], tls: {mode: PASSTHROUGH, credentialName: c}}]}");
        Assert.True(result.IsValid, result.ToString());
        Assert.Contains(result.Warnings, w => w.Message.Contains("does not use certificates", StringComparison.Ordinal));
    }

    [Fact]
    public void VirtualService_GatewayBoundTlsRoute_Accepted() =>
        AssertValid(Validate("VirtualService", """
            {hosts: [reviews.example], gateways: [egress/mi-gw, mesh],
             tls: [{match: [{sniHosts: [reviews.example], port: 15443}], route: [{destination: {host: peer.example, port: {number: 15443}, subset: west}}]}],
             tcp: [{match: [{port: 15443, gateways: [mesh]}], route: [{destination: {host: egress.example, subset: west}}]}]}
            """));

    [Fact]
    public void VirtualService_OutboundSniOnGateway_Accepted() =>
        AssertValid(Validate("VirtualService", "{hosts: [reviews.example], gateways: [egress/mi-gw], tls: [{match: [{sniHosts: [outbound_.9080_._.reviews.example]}], route: [{destination: {host: reviews.example}}]}]}"));

    [Theory]
    [InlineData("{hosts: [], tcp: [{route: [{destination: {host: a.example}}]}]}", "spec.hosts", "at least one host")]
    [InlineData("{hosts: ['*'], tcp: [{route: [{destination: {host: a.example}}]}]}", "spec.hosts[0]", "not allowed for virtual services bound to the mesh gateway")]
    [InlineData("{hosts: [a.example]}", "spec", "http, tcp or tls must be provided")]
    [InlineData("{hosts: [a.example], tls: [{route: [{destination: {host: a.example}}]}]}", "spec.tls[0].match", "at least one match condition")]
    [InlineData("{hosts: [a.example], tls: [{match: [{sniHosts: [a.example]}]}]}", "spec.tls[0].route", "TLS route is required")]
    [InlineData("{hosts: [a.example], tls: [{match: [{sniHosts: []}], route: [{destination: {host: a.example}}]}]}", "spec.tls[0].match[0].sniHosts", "at least one SNI host")]
    [InlineData("{hosts: [a.example], tls: [{match: [{sniHosts: [b.example]}], route: [{destination: {host: a.example}}]}]}", "spec.tls[0].match[0].sniHosts[0]", "is not a compatible subset")]
    [InlineData("{hosts: [a.example], tls: [{match: [{sniHosts: [outbound_.9080_._.a.example]}], route: [{destination: {host: a.example}}]}]}", "spec.tls[0].match[0].sniHosts[0]", "invalid")]
    [InlineData("{hosts: [a.example], tcp: [{match: [{destinationSubnets: [bad]}], route: [{destination: {host: a.example}}]}]}", "spec.tcp[0].match[0].destinationSubnets[0]", "invalid IP address or CIDR")]
    [InlineData("{hosts: [a.example], tcp: [{route: []}]}", "spec.tcp[0].route", "TCP route is required")]
    [InlineData("{hosts: [a.example], tcp: [{route: [{destination: {host: a.example, subset: Bad_Subset}}]}]}", "spec.tcp[0].route[0].destination.subset", "subset name is invalid")]
    [InlineData("{hosts: [a.example], tcp: [{route: [{destination: {host: a.example, port: {number: 70000}}}]}]}", "spec.tcp[0].route[0].destination.port.number", "port must be between 1-65535")]
    [InlineData("{hosts: [a.example], tcp: [{route: [{destination: {host: a.example}, weight: -1}]}]}", "spec.tcp[0].route[0].weight", "weight -1 < 0")]
    [InlineData("{hosts: [a.example], gateways: [Bad/gw], tcp: [{route: [{destination: {host: a.example}}]}]}", "spec.gateways[0]", "invalid namespace name")]
    [InlineData("{hosts: [a.example], exportTo: ['~'], tcp: [{route: [{destination: {host: a.example}}]}]}", "spec.exportTo[0]", "allowed only on a ServiceEntry")]
    public void VirtualService_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("VirtualService", spec), path, message);

    [Theory]
    [InlineData("{portLevelMtls: {'80': {mode: STRICT}}}", "spec.portLevelMtls", "portLevelMtls requires selector")]
    [InlineData("{selector: {matchLabels: {a: b}}, portLevelMtls: {'x': {mode: STRICT}}}", "spec.portLevelMtls[x]", "type conversion error from")]
    [InlineData("{selector: {matchLabels: {a: b}}, portLevelMtls: {'70000': {mode: STRICT}}}", "spec.portLevelMtls[70000]", "port must be between 1-65535")]
    [InlineData("{selector: {matchLabels: {'': b}}}", "spec.selector.matchLabels[]", "empty key is not supported in selector")]
    public void PeerAuthentication_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("PeerAuthentication", spec, group: "security.istio.io"), path, message);

    [Theory]
    [InlineData("{action: CUSTOM}", "spec.provider", "must specify a provider for CUSTOM action")]
    [InlineData("{action: DENY, provider: {name: x}}", "spec.provider", "provider can only be used with CUSTOM action")]
    [InlineData("{selector: {matchLabels: {a: b}}, targetRef: {kind: Service, name: s}}", "spec", "only one of targetRefs, targetRef or workloadSelector")]
    [InlineData("{rules: [{from: [{source: {}}]}]}", "spec.rules[0].from[0].source", "from.source must not be empty")]
    [InlineData("{rules: [{to: [{operation: {}}]}]}", "spec.rules[0].to[0].operation", "to.operation must not be empty")]
    [InlineData("{rules: [{to: [{operation: {ports: ['http']}}]}]}", "spec.rules[0].to[0].operation.ports[0]", "invalid port")]
    [InlineData("{rules: [{from: [{source: {ipBlocks: ['10.0.0.0/33']}}]}]}", "spec.rules[0].from[0].source.ipBlocks[0]", "invalid IP address or CIDR")]
    [InlineData("{rules: [{from: [{source: {principals: ['']}}]}]}", "spec.rules[0].from[0].source.principals[0]", "empty value is not allowed")]
    [InlineData("{rules: [{when: [{key: connection.sni}]}]}", "spec.rules[0].when[0]", "at least one of values or notValues")]
    [InlineData("{rules: [{when: [{key: request.bogus, values: [x]}]}]}", "spec.rules[0].when[0].key", "unknown attribute (request.bogus)")]
    [InlineData("{rules: [{when: [{key: source.ip, values: [x]}]}]}", "spec.rules[0].when[0].values[0]", "invalid IP address or CIDR")]
    [InlineData("{rules: [{from: [{source: {serviceAccounts: [a/b], principals: [c]}}]}]}", "spec.rules[0].from[0].source", "Cannot set serviceAccounts with namespaces or principals")]
    public void AuthorizationPolicy_Violation_ReportsPath(string spec, string path, string message) =>
        AssertError(Validate("AuthorizationPolicy", spec, group: "security.istio.io"), path, message);

    [Fact]
    public void Validate_KindWithoutPortedRules_ListsItAsUnchecked()
    {
        var result = Validate("Sidecar", "{}");
        Assert.True(result.IsValid);
        Assert.Equal(["istiod webhook rules for kind 'Sidecar' are not ported"], result.UncheckedRules);
        Assert.False(IstioWebhookValidator.Supports("Sidecar"));
        Assert.True(IstioWebhookValidator.Supports("Gateway"));
    }

    [Fact]
    public void Validate_Null_Throws() =>
        Assert.Equal("obj", Assert.Throws<ArgumentNullException>(() => IstioWebhookValidator.Validate(null!)).ParamName);

    [Fact]
    public void Validate_UppercaseObjectName_Rejected() =>
        AssertError(Validate("DestinationRule", "{host: a.example, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}", name: "Bad"), "metadata.name", "RFC 1123 subdomain");
}
