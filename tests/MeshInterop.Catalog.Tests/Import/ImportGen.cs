using CsCheck;

namespace MeshInterop.Catalog.Tests.Import;

/// <summary>Small, collision-prone catalogs for import and resync properties: few peers, few names, few ports.</summary>
internal static class ImportGen
{
    internal static readonly string[] Peers = ["alpha", "beta", "gamma"];

    internal static readonly Gen<string> Peer = Gen.Int[0, Peers.Length - 1].Select(i => Peers[i]);

    internal static readonly Gen<string> Key = Gen.Int[0, 5].Select(i => "svc" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>An entry whose content varies in a few bits, so that updates and equal re-sends both happen.</summary>
    internal static Gen<CatalogEntry> Entry(Gen<string> key) =>
        Gen.Select(key, Gen.Int[0, 3], Gen.Int[0, 1], Gen.Int[1, 3])
           .Select((k, name, port, address) => Make(k, "web" + name.ToString(System.Globalization.CultureInfo.InvariantCulture), 8080 + port, "192.0.2." + address.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    internal static CatalogEntry Make(string key, string name, int port = 8080, string address = "192.0.2.1", string fqdn = "") => new()
    {
        Key = new ServiceKey(key),
        Name = name,
        Fqdn = fqdn,
        Ports = [new ServicePort { Name = "http", Port = port }],
        Endpoints = [new CatalogEndpoint { Address = address, Port = 15443 }],
    };
}
