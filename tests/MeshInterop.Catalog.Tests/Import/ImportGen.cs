using CsCheck;
using MeshInterop.Catalog.Tests.Generators;

namespace MeshInterop.Catalog.Tests.Import;

/// <summary>Small, collision-prone catalogs for import and resync properties: few peers, few names, few ports.</summary>
internal static class ImportGen
{
    internal static readonly string[] Peers = ["alpha", "beta", "gamma"];

    internal static readonly Gen<string> Peer = Gen.Int[0, Peers.Length - 1].Select(i => Peers[i]);

    internal static readonly Gen<string> Key = Gen.Int[0, 5].Select(i => "svc" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// An entry from a small space, so that equal re-sends, updates and name collisions all happen: either a simple
    /// entry varying in name, port and address, or random content from <see cref="CatalogGen"/> under a shared name.
    /// </summary>
    internal static Gen<CatalogEntry> Entry(Gen<string> key) =>
        Gen.Select(key, Gen.Int[0, 3], Gen.Int[0, 1], Gen.Int[1, 3], Gen.Int[0, 3])
           .SelectMany((k, name, port, address, rich) =>
           {
               var serviceName = "web" + name.ToString(System.Globalization.CultureInfo.InvariantCulture);
               var simple = Make(k, serviceName, 8080 + port, "192.0.2." + address.ToString(System.Globalization.CultureInfo.InvariantCulture));
               return rich == 0
                   ? CatalogGen.EntryFor(new ServiceKey(k)).Select(e => e with { Name = serviceName, Origin = CatalogOrigin.Local })
                   : Gen.Const(simple);
           });

    // Without an FQDN an import is stored but not projected, so entries get one unless a test passes "" on purpose.
    internal static CatalogEntry Make(string key, string name, int port = 8080, string address = "192.0.2.1", string? fqdn = null) => new()
    {
        Key = new ServiceKey(key),
        Name = name,
        Fqdn = fqdn ?? name + ".svc.test",
        Ports = [new ServicePort { Name = "http", Port = port }],
        Endpoints = [new CatalogEndpoint { Address = address, Port = 15443 }],
    };
}
