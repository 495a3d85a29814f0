using System.Globalization;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal.Webhook;
using MeshInterop.Istio.Resources;
using IstioPort = MeshInterop.Istio.Resources.ServicePort;

namespace MeshInterop.Istio.Internal.Import;

/// <summary>Something about one import that the adapter could not write as asked, for logs and status.</summary>
internal sealed record ImportFinding(ServiceKey Key, string? Peer, string Message, bool IsError)
{
    public override string ToString() => $"{(IsError ? "error" : "warning")}: import '{Key}'{(Peer is null ? string.Empty : $" of peer '{Peer}'")}: {Message}";
}

/// <summary>The objects of one imported service, sharing the <c>meshinterop.io/service</c> label value.</summary>
internal sealed record ImportedServiceObjects(ServiceKey Key, string Peer, string ServiceHash, IReadOnlyList<IstioResource> Resources);

/// <summary>What <see cref="ImportObjectBuilder.Build"/> made of one entry: objects, or nothing and an error.</summary>
internal sealed record ImportBuildResult(ImportedServiceObjects? Objects, IReadOnlyList<ImportFinding> Findings);

/// <summary>
/// Builds the import-side objects of one imported service (reference sections 7 and 8.1–8.2): a ServiceEntry at the
/// peer's ingress with the peer's SPIFFE IDs, a DestinationRule when the peer expects an SNI the client would not
/// compute itself, or, for import-as-local peers, WorkloadEntries selected by the local Service and a ServiceEntry
/// that only adds the peer's SANs. Pure and deterministic: identical input gives identical objects.
/// </summary>
internal sealed class ImportObjectBuilder
{
    public const string Role = "import";
    public const string CatalogKeyAnnotation = IstioObjectNaming.CatalogKeyAnnotation;
    public const string CatalogRevisionAnnotation = IstioObjectNaming.CatalogRevisionAnnotation;
    public const string TlsModeLabel = "security.istio.io/tlsMode";
    public const string NetworkLabel = "topology.istio.io/network";

    private readonly IstioImportOptions _options;
    private readonly IReadOnlyList<string> _exportTo;
    private readonly HashSet<string> _importAsLocal;

    public ImportObjectBuilder(IstioImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _exportTo = options.ExportTo.Count == 0 ? ["."] : [.. options.ExportTo.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        _importAsLocal = new HashSet<string>(options.ImportAsLocalPeers, StringComparer.Ordinal);
    }

    /// <summary>
    /// The local Service an import host would collide with, as <c>(namespace, name)</c>, when the host has the form
    /// <c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;cluster domain&gt;</c>.
    /// </summary>
    public (string Namespace, string Name)? LocalServiceOf(string host)
    {
        var suffix = ".svc." + _options.ClusterDomain.TrimEnd('.');
        if (!host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            return null;
        var parts = host[..^suffix.Length].Split('.');
        return parts.Length == 2 && parts.All(p => p.Length > 0) ? (parts[1].ToLowerInvariant(), parts[0].ToLowerInvariant()) : null;
    }

    /// <summary>Builds the objects of one import; <paramref name="localService"/> is the local Service its host names, if one exists.</summary>
    public ImportBuildResult Build(CatalogEntry entry, IstioLocalService? localService, long revision)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var findings = new List<ImportFinding>();
        var peer = entry.Origin.PeerName;
        if (peer is null)
            return Fail(entry, null, "it is a local service, not an import; the sink only writes imports.");
        if (peer.Length == 0 || !IstioNames.IsLabelValue(peer))
            return Fail(entry, peer, "the peer name cannot be a Kubernetes label value (at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric).");

        if (HostOf(entry) is not { } host)
            return Fail(entry, peer, "it has no FQDN, so it has no host name to import under.");
        if (IstioNames.CheckFqdn(host) is { } hostError)
            return Fail(entry, peer, $"its FQDN '{host}' is not a valid host: {hostError}.");

        // Istio uses the SANs verbatim as matchers: anything but a full SPIFFE ID would widen or break verification,
        // and no SAN at all would accept any certificate from a trusted root.
        var sans = entry.SubjectAlternativeNames.Where(s => s.StartsWith("spiffe://", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var other in entry.SubjectAlternativeNames.Where(s => !s.StartsWith("spiffe://", StringComparison.Ordinal)))
            findings.Add(new ImportFinding(entry.Key, peer, $"SAN '{other}' is not a SPIFFE ID and is left out of subjectAltNames.", IsError: false));
        if (sans.Count == 0)
            return Fail(entry, peer, "it carries no SPIFFE ID SAN, so its endpoints could not be verified; it is not imported.", findings);

        var ports = Ports(entry, peer, findings);
        if (ports.Count == 0)
            return Fail(entry, peer, "it has no service ports (a ServiceEntry needs at least one port number).", findings);

        var network = NetworkOf(peer);
        var hash = IstioObjectNaming.ServiceHash(peer, host);
        var (svc, ns) = HostSlug(host);
        var metadataLabels = IstioObjectNaming.Labels(Role, peer, hash);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CatalogKeyAnnotation] = entry.Key.Name.Length <= 253 ? entry.Key.Name : entry.Key.Name[..253],
            [CatalogRevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
        };
        var locality = Locality(entry.Locality);

        var resources = new List<IstioResource>();
        if (localService is not null && _importAsLocal.Contains(peer))
        {
            BuildAsLocal(entry, localService, peer, host, hash, network, locality, sans, ports, metadataLabels, annotations, resources, findings);
        }
        else
        {
            if (localService is not null)
                return Fail(entry, peer, $"its host '{host}' is the local Service '{localService.Namespace}/{localService.Name}', which wins: a ServiceEntry of the same host would be ignored. Import it under another name, or list the peer in ImportAsLocalPeers.", findings);

            var allIps = entry.Endpoints.All(e => IstioNames.IsIpAddress(e.Address));
            var endpoints = entry.Endpoints.Select(e => new WorkloadEntrySpec
            {
                Address = e.Address,
                Ports = ports.ToDictionary(p => p.Name, _ => e.Port, StringComparer.Ordinal),
                Labels = EndpointLabels(network, null),
                Network = network,
                Locality = locality,
            }).ToList();
            resources.Add(new ServiceEntry
            {
                Metadata = Metadata(IstioResourceType.ServiceEntry, _options.Namespace, hash, svc, ns, peer, metadataLabels, annotations),
                Spec = new ServiceEntrySpec
                {
                    Hosts = [host],
                    Location = ServiceEntryLocation.MeshInternal,
                    Resolution = allIps ? ServiceEntryResolution.Static : ServiceEntryResolution.Dns,
                    Ports = [.. ports.Select(p => new IstioPort { Number = p.Number, Name = p.Name, Protocol = p.Protocol })],
                    Endpoints = endpoints,
                    ExportTo = _exportTo,
                    SubjectAltNames = sans,
                },
            });

            // A client computes the SNI from its own host and port; the peer's gateway routes on the SNI it advertised.
            if (ports.Any(p => p.Sni is not null && !string.Equals(p.Sni, AutoSni(p.Number, host), StringComparison.Ordinal)))
            {
                resources.Add(new DestinationRule
                {
                    Metadata = Metadata(IstioResourceType.DestinationRule, _options.Namespace, hash, svc, ns, peer, metadataLabels, annotations),
                    Spec = new DestinationRuleSpec
                    {
                        Host = host,
                        ExportTo = _exportTo,
                        TrafficPolicy = new TrafficPolicy
                        {
                            PortLevelSettings = [.. ports.Select(p => new PortTrafficPolicy
                            {
                                Port = p.Number,
                                Tls = new ClientTlsSettings { Mode = ClientTlsMode.IstioMutual, Sni = p.Sni, SubjectAltNames = sans },
                            })],
                        },
                    },
                });
            }
        }

        return new ImportBuildResult(new ImportedServiceObjects(entry.Key, peer, hash, resources), findings);
    }

    /// <summary>The import host of an entry (its FQDN, lower case, without a trailing dot), or <see langword="null"/>.</summary>
    public static string? HostOf(CatalogEntry entry)
    {
        var host = entry.Fqdn.TrimEnd('.').ToLowerInvariant();
        return host.Length == 0 ? null : host;
    }

    /// <summary>The <c>meshinterop.io/service</c> value of an import's objects, or <see langword="null"/> when it has no peer or host.</summary>
    public static string? ServiceHashOf(CatalogEntry entry) =>
        entry.Origin.PeerName is { } peer && HostOf(entry) is { } host ? IstioObjectNaming.ServiceHash(peer, host) : null;

    /// <summary>The SNI an Istio client sends for a host and port without a DestinationRule: <c>outbound_.&lt;port&gt;_._.&lt;host&gt;</c>.</summary>
    public static string AutoSni(int port, string host) => string.Create(CultureInfo.InvariantCulture, $"outbound_.{port}_._.{host}");

    private static void BuildAsLocal(
        CatalogEntry entry, IstioLocalService local, string peer, string host, string hash, string network, string? locality, List<string> sans,
        List<ImportPort> ports, Dictionary<string, string> labels, Dictionary<string, string> annotations, List<IstioResource> resources, List<ImportFinding> findings)
    {
        if (local.Selector.Count == 0)
        {
            findings.Add(new ImportFinding(entry.Key, peer, $"the local Service '{local.Namespace}/{local.Name}' has no selector, so no WorkloadEntry can join it; only its SANs are added.", IsError: false));
        }
        else
        {
            var portMap = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var port in ports)
            {
                if (local.PortNames.TryGetValue(port.Number, out var name) && name.Length > 0)
                    portMap[name] = 0;
                else
                    findings.Add(new ImportFinding(entry.Key, peer, $"port {port.Number} is not a named port of the local Service '{local.Namespace}/{local.Name}'; peer traffic on it cannot be redirected to the peer gateway.", IsError: false));
            }

            foreach (var endpoint in entry.Endpoints)
            {
                var weHash = IstioObjectNaming.ServiceHash(peer, host, endpoint.Address, endpoint.Port.ToString(CultureInfo.InvariantCulture));
                resources.Add(new WorkloadEntry
                {
                    Metadata = new IstioObjectMetadata
                    {
                        Name = IstioObjectNaming.ObjectName(IstioResourceType.WorkloadEntry, weHash, local.Name, local.Namespace, peer),
                        Namespace = local.Namespace,
                        Labels = labels,
                        Annotations = annotations,
                    },
                    Spec = new WorkloadEntrySpec
                    {
                        Address = endpoint.Address,
                        Ports = portMap.ToDictionary(p => p.Key, _ => endpoint.Port, StringComparer.Ordinal),
                        Labels = EndpointLabels(network, local.Selector),
                        Network = network,
                        Locality = locality,
                    },
                });
            }
        }

        // istiod ignores every field of a ServiceEntry whose host is a Service's, except that it adds the SANs.
        resources.Add(new ServiceEntry
        {
            Metadata = Metadata(IstioResourceType.ServiceEntry, local.Namespace, hash, local.Name, local.Namespace, peer, labels, annotations),
            Spec = new ServiceEntrySpec
            {
                Hosts = [host],
                Location = ServiceEntryLocation.MeshInternal,
                Resolution = ServiceEntryResolution.Static,
                Ports = [.. ports.Select(p => new IstioPort { Number = p.Number, Name = p.Name, Protocol = p.Protocol })],
                ExportTo = ["."],
                SubjectAltNames = sans,
            },
        });
    }

    private static Dictionary<string, string> EndpointLabels(string network, IReadOnlyDictionary<string, string>? selector)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in selector ?? new Dictionary<string, string>())
            labels[key] = value;
        labels[TlsModeLabel] = "istio";
        labels[NetworkLabel] = network;
        return labels;
    }

    private static IstioObjectMetadata Metadata(
        IstioResourceType type, string ns, string hash, string svc, string svcNamespace, string peer, Dictionary<string, string> labels, Dictionary<string, string> annotations) => new()
        {
            Name = IstioObjectNaming.ObjectName(type, hash, svc, svcNamespace, peer),
            Namespace = ns,
            Labels = labels,
            Annotations = annotations,
        };

    /// <summary>The ports of the import: the entry's service ports, else the ports its instances name; protocols mapped to Istio's.</summary>
    private static List<ImportPort> Ports(CatalogEntry entry, string peer, List<ImportFinding> findings)
    {
        var candidates = entry.Ports.Select(p => (p.Port, p.Protocol)).ToList();
        if (candidates.Count == 0)
        {
            foreach (var instance in entry.Instances)
            {
                if (instance.Metadata.TryGetValue(InstanceMetadataKeys.Port, out var text)
                    && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                    candidates.Add((number, instance.Protocol));
            }
        }

        var ports = new List<ImportPort>();
        foreach (var (number, catalogProtocol) in candidates.OrderBy(c => c.Port))
        {
            if (number is < 1 or > 65535)
            {
                findings.Add(new ImportFinding(entry.Key, peer, $"port {number} is outside 1-65535 and is left out.", IsError: false));
                continue;
            }

            if (ports.Any(p => p.Number == number))
                continue;
            var protocol = IstioProtocol(catalogProtocol.Length > 0 ? catalogProtocol : InstanceProtocol(entry, number) ?? entry.Protocols.FirstOrDefault() ?? string.Empty);
            if (protocol is null)
            {
                findings.Add(new ImportFinding(entry.Key, peer, $"port {number} has protocol '{catalogProtocol}', which Istio does not know; it is imported as TCP.", IsError: false));
                protocol = "TCP";
            }

            var name = protocol.ToLowerInvariant().Replace('_', '-') + "-" + number.ToString(CultureInfo.InvariantCulture);
            ports.Add(new ImportPort(number, name, protocol, Sni(entry, number)));
        }

        return ports;
    }

    // Protocols outside Istio's list have no mapping; mesh mTLS (Hamlet MTLS) is the sidecar's job, so the stream is TCP.
    private static string? IstioProtocol(string catalogProtocol)
    {
        if (catalogProtocol.Length == 0)
            return "TCP";
        if (string.Equals(catalogProtocol, ServiceProtocols.Mtls, StringComparison.OrdinalIgnoreCase))
            return "TCP";
        var upper = catalogProtocol.ToUpperInvariant();
        return IstioNames.Protocols.Contains(upper) ? upper : null;
    }

    private static string? InstanceProtocol(CatalogEntry entry, int port) =>
        InstanceFor(entry, port)?.Protocol is { Length: > 0 } protocol ? protocol : null;

    /// <summary>The instance describing a port: the one whose PORT metadata names it, else the only instance without PORT.</summary>
    private static CatalogInstance? InstanceFor(CatalogEntry entry, int port)
    {
        var text = port.ToString(CultureInfo.InvariantCulture);
        var exact = entry.Instances.FirstOrDefault(i => i.Metadata.TryGetValue(InstanceMetadataKeys.Port, out var p) && string.Equals(p, text, StringComparison.Ordinal));
        if (exact is not null)
            return exact;
        var unbound = entry.Instances.Where(i => !i.Metadata.ContainsKey(InstanceMetadataKeys.Port)).ToList();
        return unbound.Count == 1 ? unbound[0] : null;
    }

    /// <summary>The SNI the peer expects on a port: its instance's SNI metadata, else the entry's (v1alpha1) SNI.</summary>
    private static string? Sni(CatalogEntry entry, int port)
    {
        if (InstanceFor(entry, port) is { } instance && instance.Metadata.TryGetValue(InstanceMetadataKeys.Sni, out var sni) && sni.Length > 0)
            return sni;
        return entry.Sni.Length > 0 ? entry.Sni : null;
    }

    private static string? Locality(ServiceLocality? locality)
    {
        if (locality is null || locality.Region.Length == 0)
            return null;
        var parts = new List<string> { locality.Region };
        if (locality.Zone.Length > 0)
        {
            parts.Add(locality.Zone);
            if (locality.Subzone.Length > 0)
                parts.Add(locality.Subzone);
        }

        return string.Join('/', parts);
    }

    // The first two labels of <svc>.<ns>.svc.<...> hosts name the service; other hosts use their first labels all the same.
    private static (string Service, string Namespace) HostSlug(string host)
    {
        var labels = host.Split('.');
        return (labels[0], labels.Length > 1 ? labels[1] : string.Empty);
    }

    /// <summary>The network of a peer's endpoints: the prefix and the peer folded to a label, at most 63 characters.</summary>
    public string NetworkOf(string peer)
    {
        var slug = new string([.. peer.ToLowerInvariant().Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-')]);
        var network = (_options.NetworkPrefix + slug).Trim('-');
        return network.Length <= IstioNames.MaxLabelLength ? network : network[..IstioNames.MaxLabelLength].TrimEnd('-');
    }

    private static ImportBuildResult Fail(CatalogEntry entry, string? peer, string message, List<ImportFinding>? findings = null)
    {
        var all = findings ?? [];
        all.Add(new ImportFinding(entry.Key, peer, message, IsError: true));
        return new ImportBuildResult(null, all);
    }

    private sealed record ImportPort(int Number, string Name, string Protocol, string? Sni);
}
