using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Tests.Resources;

/// <summary>
/// The objects of the adapter reference's worked example (mode A): mesh "east" imports reviews.bookinfo from Istio
/// peer "west" under a peer-scoped name and exports ratings through an AUTO_PASSTHROUGH federation gateway.
/// </summary>
internal static class WorkedExample
{
    private const string Sans = "spiffe://west.example.org/ns/bookinfo/sa/bookinfo-reviews";

    public static Dictionary<string, string> Labels(string role, string? peer, string? service)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/managed-by"] = "meshinterop",
            ["meshinterop.io/role"] = role,
        };
        if (peer is not null)
            labels["meshinterop.io/peer"] = peer;
        if (service is not null)
            labels["meshinterop.io/service"] = service;
        return labels;
    }

    public static ServiceEntry ImportServiceEntry() => new()
    {
        Metadata = new() { Name = "mi-se-reviews-bookinfo-west-3f9a1c2e", Namespace = "mesh-imports", Labels = Labels("import", "west", "3f9a1c2e") },
        Spec = new()
        {
            Hosts = ["reviews.bookinfo.svc.west.imports.mesh"],
            Location = ServiceEntryLocation.MeshInternal,
            Resolution = ServiceEntryResolution.Static,
            Ports = [new() { Number = 9080, Name = "http-9080", Protocol = "HTTP" }],
            // Deliberately out of order: the serialiser sorts endpoints by address.
            Endpoints =
            [
                GatewayEndpoint("203.0.113.11", locality: null),
                GatewayEndpoint("203.0.113.10", locality: "us-west1/us-west1-a"),
            ],
            SubjectAltNames = [Sans],
            ExportTo = ["bookinfo-consumers"],
        },
    };

    private static WorkloadEntrySpec GatewayEndpoint(string address, string? locality) => new()
    {
        Address = address,
        Ports = new Dictionary<string, int>(StringComparer.Ordinal) { ["http-9080"] = 15443 },
        Network = "mi-west",
        Locality = locality,
        Labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["topology.istio.io/network"] = "mi-west",
            ["security.istio.io/tlsMode"] = "istio",
        },
    };

    public static DestinationRule ImportDestinationRule() => new()
    {
        Metadata = new() { Name = "mi-dr-reviews-bookinfo-west-3f9a1c2e", Namespace = "mesh-imports", Labels = Labels("import", "west", "3f9a1c2e") },
        Spec = new()
        {
            Host = "reviews.bookinfo.svc.west.imports.mesh",
            ExportTo = ["bookinfo-consumers"],
            TrafficPolicy = new()
            {
                PortLevelSettings =
                [
                    new()
                    {
                        Port = 9080,
                        Tls = new()
                        {
                            Mode = ClientTlsMode.IstioMutual,
                            Sni = "outbound_.9080_._.reviews.bookinfo.svc.cluster.local",
                            SubjectAltNames = [Sans],
                        },
                    },
                ],
            },
        },
    };

    public static Gateway FederationGateway() => new()
    {
        Metadata = new() { Name = "mi-gw-federation-5d2b8e41", Namespace = "mesh-federation", Labels = Labels("export", null, null) },
        Spec = new()
        {
            Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["istio"] = "federation-ingress" },
            Servers =
            [
                new()
                {
                    Port = new() { Number = 15443, Name = "tls-federation", Protocol = "TLS" },
                    Tls = new() { Mode = ServerTlsMode.AutoPassthrough },
                    Hosts = ["ratings.bookinfo.svc.cluster.local", "productpage.bookinfo.svc.cluster.local"],
                },
            ],
        },
    };

    public static PeerAuthentication RatingsPeerAuthentication() => new()
    {
        Metadata = new() { Name = "mi-pa-ratings-bookinfo-7be0c913", Namespace = "bookinfo", Labels = Labels("export", null, "7be0c913") },
        Spec = new()
        {
            Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "ratings" },
            Mode = MutualTlsMode.Strict,
        },
    };

    public static AuthorizationPolicy RatingsAuthorizationPolicy() => new()
    {
        Metadata = new() { Name = "mi-ap-ratings-bookinfo-7be0c913", Namespace = "bookinfo", Labels = Labels("export", null, "7be0c913") },
        Spec = new()
        {
            Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "ratings" },
            Action = AuthorizationAction.Deny,
            Rules =
            [
                new() { From = [new() { NotPrincipals = ["west.example.org/ns/bookinfo/sa/bookinfo-reviews", "east.example.org/*"] }] },
            ],
        },
    };

    public static IReadOnlyList<IstioResource> All() =>
        [ImportServiceEntry(), ImportDestinationRule(), FederationGateway(), RatingsPeerAuthentication(), RatingsAuthorizationPolicy()];

    /// <summary>One object per kind with every field of the typed model set, to prove the model stays within 1.24.6.</summary>
    public static IReadOnlyList<IstioResource> EveryField()
    {
        var metadata = new IstioObjectMetadata
        {
            Name = "mi-full",
            Namespace = "bookinfo",
            Labels = Labels("import", "west", "3f9a1c2e"),
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["meshinterop.io/spec-hash"] = "0123abcd" },
        };
        var tls = new ClientTlsSettings
        {
            Mode = ClientTlsMode.Mutual,
            Sni = "reviews.example",
            SubjectAltNames = ["spiffe://west.example.org/ns/a/sa/b"],
            ClientCertificate = "/etc/certs/cert.pem",
            PrivateKey = "/etc/certs/key.pem",
            CaCertificates = "/etc/certs/ca.pem",
            CaCrl = "/etc/certs/crl.pem",
            InsecureSkipVerify = false,
        };
        var loadBalancer = new LoadBalancerSettings
        {
            Simple = SimpleLoadBalancer.LeastRequest,
            LocalityLbSetting = new()
            {
                Enabled = true,
                Distribute = [new() { From = "us-west1/*", To = new Dictionary<string, int>(StringComparer.Ordinal) { ["us-west1/*"] = 80, ["us-east1/*"] = 20 } }],
                FailoverPriority = ["topology.istio.io/network"],
            },
        };
        var outlier = new OutlierDetection
        {
            Consecutive5xxErrors = 5,
            ConsecutiveGatewayErrors = 3,
            Interval = TimeSpan.FromSeconds(10),
            BaseEjectionTime = TimeSpan.FromMilliseconds(1500),
            MaxEjectionPercent = 50,
            MinHealthPercent = 10,
        };
        var endpoint = new WorkloadEntrySpec
        {
            Address = "203.0.113.10",
            Ports = new Dictionary<string, int>(StringComparer.Ordinal) { ["http-9080"] = 15443 },
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["security.istio.io/tlsMode"] = "istio" },
            Network = "mi-west",
            Locality = "us-west1/us-west1-a",
            Weight = 3,
            ServiceAccount = "reviews",
        };
        return
        [
            new ServiceEntry
            {
                Metadata = metadata,
                Spec = new()
                {
                    Hosts = ["reviews.bookinfo.svc.west.imports.mesh"],
                    Addresses = ["240.240.0.1"],
                    Ports = [new() { Number = 9080, Name = "http-9080", Protocol = "HTTP", TargetPort = 8080 }],
                    Location = ServiceEntryLocation.MeshInternal,
                    Resolution = ServiceEntryResolution.Static,
                    Endpoints = [endpoint],
                    ExportTo = ["."],
                    SubjectAltNames = ["spiffe://west.example.org/ns/bookinfo/sa/reviews"],
                },
            },
            new ServiceEntry
            {
                Metadata = new() { Name = "mi-alias", Namespace = "bookinfo" },
                Spec = new()
                {
                    Hosts = ["reviews.bookinfo.exports.mesh"],
                    Ports = [new() { Number = 9080, Name = "http-9080", Protocol = "HTTP", TargetPort = 9080 }],
                    Location = ServiceEntryLocation.MeshInternal,
                    Resolution = ServiceEntryResolution.Static,
                    WorkloadSelector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "reviews" },
                },
            },
            new WorkloadEntry { Metadata = metadata, Spec = endpoint },
            new DestinationRule
            {
                Metadata = metadata,
                Spec = new()
                {
                    Host = "reviews.bookinfo.svc.west.imports.mesh",
                    ExportTo = ["."],
                    TrafficPolicy = new()
                    {
                        LoadBalancer = loadBalancer,
                        OutlierDetection = outlier,
                        Tls = tls,
                        PortLevelSettings = [new() { Port = 9080, LoadBalancer = loadBalancer, OutlierDetection = outlier, Tls = tls }],
                    },
                    Subsets =
                    [
                        new()
                        {
                            Name = "west",
                            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["topology.istio.io/network"] = "mi-west" },
                            TrafficPolicy = new() { Tls = new() { Mode = ClientTlsMode.IstioMutual, Sni = "reviews.example" } },
                        },
                    ],
                },
            },
            new Gateway
            {
                Metadata = metadata,
                Spec = new()
                {
                    Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["istio"] = "egress" },
                    Servers =
                    [
                        new()
                        {
                            Port = new() { Number = 15443, Name = "tls-west", Protocol = "TLS" },
                            Hosts = ["reviews.bookinfo.svc.west.imports.mesh"],
                            Bind = "0.0.0.0",
                            Name = "west",
                            Tls = new()
                            {
                                Mode = ServerTlsMode.Mutual,
                                CredentialName = "federation-west",
                                SubjectAltNames = ["spiffe://west.example.org/gateway"],
                                MinProtocolVersion = TlsProtocolVersion.Tls12,
                                MaxProtocolVersion = TlsProtocolVersion.Tls13,
                                CipherSuites = ["ECDHE-ECDSA-AES256-GCM-SHA384"],
                                HttpsRedirect = false,
                            },
                        },
                        new()
                        {
                            Port = new() { Number = 15444, Name = "tls-files", Protocol = "HTTPS" },
                            Hosts = ["bookinfo/reviews.example"],
                            Tls = new() { Mode = ServerTlsMode.Simple, ServerCertificate = "/etc/certs/cert.pem", PrivateKey = "/etc/certs/key.pem", CaCertificates = "/etc/certs/ca.pem" },
                        },
                    ],
                },
            },
            new VirtualService
            {
                Metadata = metadata,
                Spec = new()
                {
                    Hosts = ["reviews.bookinfo.svc.west.imports.mesh"],
                    Gateways = ["mesh", "mesh-egress/mi-gw-egress"],
                    ExportTo = ["."],
                    Tls =
                    [
                        new()
                        {
                            Match = [new() { SniHosts = ["reviews.bookinfo.svc.west.imports.mesh"], Port = 15443, Gateways = ["mesh-egress/mi-gw-egress"], DestinationSubnets = ["10.0.0.0/8"], SourceNamespace = "bookinfo" }],
                            Route = [new() { Host = "west-ingress.mesh-egress.svc.cluster.local", Port = 15443, Subset = "west", Weight = 100 }],
                        },
                    ],
                    Tcp =
                    [
                        new()
                        {
                            Match = [new() { Port = 15443, Gateways = ["mesh"], DestinationSubnets = ["10.0.0.1"], SourceNamespace = "bookinfo" }],
                            Route = [new() { Host = "istio-egressgateway.mesh-egress.svc.cluster.local", Subset = "west", Port = 15443 }],
                        },
                    ],
                },
            },
            new PeerAuthentication
            {
                Metadata = metadata,
                Spec = new()
                {
                    Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "reviews" },
                    Mode = MutualTlsMode.Permissive,
                    PortLevelMtls = new Dictionary<int, MutualTlsMode> { [9080] = MutualTlsMode.Strict },
                },
            },
            new AuthorizationPolicy
            {
                Metadata = metadata,
                Spec = new()
                {
                    Selector = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "reviews" },
                    Action = AuthorizationAction.Allow,
                    Rules =
                    [
                        new()
                        {
                            From =
                            [
                                new()
                                {
                                    Principals = ["west.example.org/ns/bookinfo/sa/reviews"], NotPrincipals = ["west.example.org/ns/x/sa/y"],
                                    RequestPrincipals = ["issuer/subject"], NotRequestPrincipals = ["issuer/other"],
                                    Namespaces = ["bookinfo"], NotNamespaces = ["kube-system"],
                                    IpBlocks = ["10.0.0.0/8"], NotIpBlocks = ["10.1.0.0/16"],
                                    RemoteIpBlocks = ["192.0.2.0/24"], NotRemoteIpBlocks = ["192.0.2.1"],
                                },
                            ],
                            To =
                            [
                                new()
                                {
                                    Hosts = ["reviews.example"], NotHosts = ["admin.example"], Ports = ["9080"], NotPorts = ["15000"],
                                    Methods = ["GET"], NotMethods = ["DELETE"], Paths = ["/reviews/*"], NotPaths = ["/admin"],
                                },
                            ],
                            When = [new() { Key = "connection.sni", Values = ["outbound_.9080_._.reviews.bookinfo.svc.cluster.local"], NotValues = ["other.example"] }],
                        },
                    ],
                },
            },
            new AuthorizationPolicy
            {
                Metadata = new() { Name = "mi-custom", Namespace = "bookinfo" },
                Spec = new() { Action = AuthorizationAction.Custom, Provider = "ext-authz", Rules = [new() { To = [new() { Ports = ["9080"] }] }] },
            },
        ];
    }
}
