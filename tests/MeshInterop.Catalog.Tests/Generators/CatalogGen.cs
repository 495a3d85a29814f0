using System.Collections.Immutable;
using CsCheck;

namespace MeshInterop.Catalog.Tests.Generators;

/// <summary>Random catalog content for property tests; small alphabets so that collisions and overlaps happen often.</summary>
public static class CatalogGen
{
    public static readonly Gen<string> Label = Gen.OneOf("app", "tier", "zone", "team", "v1", "v2", "blue", "green");

    public static readonly Gen<string> DnsLabel =
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 8].Select(c => new string(c));

    public static readonly Gen<ServiceKey> Key = Gen.Int[0, 63].Select(i => new ServiceKey("svc-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)));

    public static readonly Gen<StringMap> Labels =
        Gen.Select(Label, DnsLabel).Array[0, 5].Select(pairs =>
        {
            var map = StringMap.Empty;
            foreach (var (k, v) in pairs)
            {
                map = map.SetItem(k, v);
            }

            return map;
        });

    public static readonly Gen<CatalogEndpoint> Endpoint =
        Gen.Select(Gen.Int[1, 20], Gen.Int[1, 65535], Label.Array[0, 3], Gen.OneOf("", "ingress"))
            .Select((host, port, labels, description) => new CatalogEndpoint
            {
                Address = host % 2 == 0 ? "10.0.0." + host.ToString(System.Globalization.CultureInfo.InvariantCulture) : "gw" + host.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".example.net",
                Port = port,
                Labels = [.. labels],
                Description = description,
            });

    public static readonly Gen<CatalogInstance> Instance =
        Gen.Select(DnsLabel, Gen.OneOf(ServiceProtocols.All.ToArray()), Label.Array[0, 2], Gen.Bool)
            .Select((id, protocol, selector, sni) => new CatalogInstance
            {
                Id = id,
                Protocol = protocol,
                EndpointSelector = [.. selector],
                Metadata = sni ? StringMap.Create(new KeyValuePair<string, string>("SNI", id + ".sni")) : StringMap.Empty,
            });

    public static readonly Gen<ServicePort> Port =
        Gen.Select(Gen.Int[1, 65535], Gen.OneOf("", "http", "grpc"), Gen.OneOf("", ServiceProtocols.Http, ServiceProtocols.Grpc))
            .Select((port, name, protocol) => new ServicePort { Port = port, Name = name, Protocol = protocol });

    public static readonly Gen<ServiceHealth> Health = Gen.Enum<ServiceHealth>();

    public static readonly Gen<CatalogOrigin> Origin =
        Gen.Frequency((3, Gen.Const(CatalogOrigin.Local)), (1, Gen.Select(Gen.OneOf("peer-a", "peer-b"), Key).Select((p, k) => CatalogOrigin.FromPeer(p, k))));

    /// <summary>An entry with the given key and random content.</summary>
    public static Gen<CatalogEntry> EntryFor(ServiceKey key) =>
        Gen.Select(Labels, Endpoint.Array[0, 3], Instance.Array[0, 2], Port.Array[0, 2], Label.Array[0, 3], Health, Origin, Gen.OneOf("", "desc"))
            .Select((labels, endpoints, instances, ports, tags, health, origin, description) => new CatalogEntry
            {
                Key = key,
                Name = key.Name,
                Fqdn = key.Name + ".mesh.example",
                Description = description,
                Labels = labels,
                Endpoints = [.. endpoints],
                Instances = [.. instances],
                Ports = [.. ports],
                Tags = [.. tags],
                SubjectAlternativeNames = ["spiffe://mesh.example/ns/default/sa/" + key.Name],
                Health = health,
                Origin = origin,
            });

    /// <summary>A random entry.</summary>
    public static readonly Gen<CatalogEntry> Entry = Key.SelectMany(EntryFor);

    /// <summary>One write: entries to upsert and keys to remove (keys may repeat, as real sources do).</summary>
    public static readonly Gen<CatalogBatch> Batch =
        Gen.Select(Entry.Array[0, 8], Key.Array[0, 4]).Select((upserts, removals) => new CatalogBatch([.. upserts], [.. removals]));

    /// <summary>A sequence of writes.</summary>
    public static readonly Gen<CatalogBatch[]> Batches = Batch.Array[0, 12];

    /// <summary>Random entries with distinct keys.</summary>
    public static readonly Gen<ImmutableArray<CatalogEntry>> Entries =
        Entry.Array[0, 40].Select(entries => entries.DistinctBy(e => e.Key).ToImmutableArray());
}

/// <summary>One write to a catalog.</summary>
public sealed record CatalogBatch(ImmutableArray<CatalogEntry> Upserts, ImmutableArray<ServiceKey> Removals)
{
    public CatalogSnapshot ApplyTo(CatalogSnapshot snapshot) => snapshot.Update(Upserts, Removals);

    public override string ToString() => $"+[{string.Join(",", Upserts.Select(e => e.Key))}] -[{string.Join(",", Removals)}]";
}
