using System.CommandLine;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Cli.Commands;
using MeshInterop.Federation.FileRegistry;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class IstioCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("meshinterop-istio-render-").FullName;

    private static CatalogEntry Import(string fqdn, string san) => new()
    {
        Key = new ServiceKey("west-reviews"),
        Name = "west-reviews",
        Fqdn = fqdn,
        Endpoints = [new CatalogEndpoint { Address = "203.0.113.10", Port = 15443 }],
        Ports = [new ServicePort { Name = "http", Port = 9080, Protocol = "HTTP" }],
        SubjectAlternativeNames = [san],
        Instances =
        [
            new CatalogInstance
            {
                Id = "reviews-9080",
                Protocol = "HTTP",
                Metadata = StringMap.Create(
                    new KeyValuePair<string, string>(InstanceMetadataKeys.Sni, "outbound_.9080_._.reviews.bookinfo.svc.cluster.local"),
                    new KeyValuePair<string, string>(InstanceMetadataKeys.Port, "9080")),
            },
        ],
        Origin = CatalogOrigin.FromPeer("west", new ServiceKey("reviews")),
    };

    [Fact]
    public async Task Render_ImportCatalog_WritesTheServiceEntryAndDestinationRuleAsYaml()
    {
        var path = Path.Combine(_folder, "imports.json");
        await CatalogFile.WriteAsync(path, [Import("reviews.bookinfo.svc.west.imports.mesh", "spiffe://west.example.org/ns/bookinfo/sa/reviews")], TestContext.Current.CancellationToken);

        var (output, error, exitCode) = await RunAsync($"istio render --catalog {path} --export-to bookinfo-consumers --revision 9");

        Assert.True(exitCode == 0, error);
        Assert.Contains("kind: ServiceEntry", output, StringComparison.Ordinal);
        Assert.Contains("kind: DestinationRule", output, StringComparison.Ordinal);
        Assert.Contains("sni: outbound_.9080_._.reviews.bookinfo.svc.cluster.local", output, StringComparison.Ordinal);
        Assert.Contains("meshinterop.io/catalog-revision: \"9\"", output, StringComparison.Ordinal);
        Assert.Contains("not checked: structural schema and CEL rules", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ImportWithoutSpiffeId_FailsNamingTheImport()
    {
        var path = Path.Combine(_folder, "imports.json");
        await CatalogFile.WriteAsync(path, [Import("reviews.bookinfo.svc.west.imports.mesh", "reviews.example.org")], TestContext.Current.CancellationToken);

        var (_, error, exitCode) = await RunAsync($"istio render --catalog {path} --output {Path.Combine(_folder, "out")}");

        Assert.Equal(1, exitCode);
        Assert.Contains("import 'west-reviews' of peer 'west'", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "out")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(string Output, string Error, int ExitCode)> RunAsync(string arguments)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(IstioCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (output.ToString(), error.ToString(), exitCode);
    }
}
