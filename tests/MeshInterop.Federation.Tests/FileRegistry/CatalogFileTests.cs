using System.Text;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation.FileRegistry;

namespace MeshInterop.Federation.Tests.FileRegistry;

public sealed class CatalogFileTests
{
    [Fact]
    public void Parse_ValidRegistry_ReturnsEntriesInKeyOrder()
    {
        var result = Parse(RegistryFiles.Document(RegistryFiles.Service("web"), RegistryFiles.Service("api")));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(["api", "web"], result.Entries.Select(e => e.Key.Name));
        Assert.Equal(RegistryFiles.Entry("web"), result.Entries[1]);
        Assert.True(result.Entries[1].Origin.IsLocal);
    }

    [Fact]
    public void Parse_EveryField_RoundTripsThroughSerialize()
    {
        var entry = new CatalogEntry
        {
            Key = new ServiceKey("db-key"),
            Name = "db",
            Fqdn = "db.mysql.example",
            Description = "Orders database ✓",
            Tags = ["b", "a"],
            Labels = StringMap.Create([new("team", "payments"), new("tier", "data")]),
            SubjectAlternativeNames = ["spiffe://mysql.example/ns/db/sa/db", "spiffe://mysql.example/ns/db/sa/backup"],
            Protocols = ["tcp", "tls"],
            Sni = "db.mysql.example",
            Endpoints =
            [
                new CatalogEndpoint { Address = "192.0.2.2", Port = 15443, Labels = ["west"], Description = "west gateway" },
                new CatalogEndpoint { Address = "192.0.2.1", Port = 15443, Labels = ["east"] },
            ],
            Instances =
            [
                new CatalogInstance { Id = "i2", Protocol = "TLS", EndpointSelector = ["west"], Metadata = StringMap.Create([new("SNI", "i2.db"), new("PORT", "3306")]) },
                new CatalogInstance { Id = "i1", Protocol = "tls", EndpointSelector = ["east"], Description = "primary" },
            ],
            Ports = [new ServicePort { Name = "mysql", Port = 3306, Protocol = "TCP", TargetPort = 13306 }],
            Locality = new ServiceLocality { Region = "eu", Zone = "eu-1", Subzone = "rack-7" },
            Health = ServiceHealth.Warning,
        };

        var bytes = CatalogFile.Serialize([entry]);
        var result = CatalogFile.Parse(bytes, "round-trip.json");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(entry, Assert.Single(result.Entries));
        Assert.Equal(bytes, CatalogFile.Serialize(result.Entries));
    }

    [Fact]
    public void Parse_ImportedEntries_RoundTripTheirOrigin()
    {
        var imported = RegistryFiles.Entry("nsxsm-httpbin") with { Origin = CatalogOrigin.FromPeer("nsxsm", new ServiceKey("httpbin")) };

        var result = CatalogFile.Parse(CatalogFile.Serialize([imported]), "imports.json", new CatalogFileReadOptions { AllowImported = true });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(imported.Origin, Assert.Single(result.Entries).Origin);
    }

    [Fact]
    public void Parse_OriginInARegistryFile_IsRejectedWithItsLine()
    {
        var imported = RegistryFiles.Entry("nsxsm-httpbin") with { Origin = CatalogOrigin.FromPeer("nsxsm", new ServiceKey("httpbin")) };
        var text = Encoding.UTF8.GetString(CatalogFile.Serialize([imported]));

        var error = Assert.Single(Parse(text).Errors);

        Assert.Equal("services[0].origin", error.Field);
        Assert.Equal(LineOf(text, "\"origin\""), error.Line);
        Assert.Contains("a registry file lists this mesh's own services", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidatorError_NamesTheFileIndexLineAndField()
    {
        // The model sorts endpoints by address, so the bad endpoint (second in the file) is first in canonical order:
        // the error must still name the file's index and line.
        var text = RegistryFiles.Document("""
            {
              "name": "web",
              "fqdn": "web.consul.example",
              "subjectAlternativeNames": ["spiffe://consul.example/web"],
              "endpoints": [
                { "address": "192.0.2.9", "port": 8443, "labels": ["a"] },
                { "address": "192.0.2.1", "port": 70000, "labels": ["a"] }
              ],
              "instances": [{ "id": "web-1", "protocol": "FTP", "endpointSelector": ["a"] }]
            }
            """);

        var errors = Parse(text, "registry.json").Errors;

        Assert.Equal(2, errors.Length);
        var port = errors.Single(e => e.Field.EndsWith(".port", StringComparison.Ordinal));
        Assert.Equal("services[0].endpoints[1].port", port.Field);
        Assert.Equal(LineOf(text, "70000"), port.Line);
        Assert.Equal("registry.json", port.File);
        var protocol = errors.Single(e => e.Field.EndsWith(".protocol", StringComparison.Ordinal));
        Assert.Equal("services[0].instances[0].protocol", protocol.Field);
        Assert.Contains("'FTP' is not one of", protocol.Message, StringComparison.Ordinal);
        Assert.StartsWith($"registry.json:{port.Line}:", port.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StrictMode_RequiresEndpointLabelsAndReportsEveryProblem()
    {
        var text = RegistryFiles.Document("""
            { "name": "web", "fqdn": "Web.Example", "endpoints": [{ "address": "192.0.2.1", "port": 8443 }] }
            """);

        var errors = Parse(text).Errors;

        Assert.Contains(errors, e => e.Field == "services[0].fqdn" && e.Message.Contains("lower case", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "services[0].subjectAlternativeNames" && e.Message.Contains("at least one SAN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "services[0].endpoints[0].labels");
        Assert.Contains(errors, e => e.Field == "services[0].instances");
    }

    [Fact]
    public void Parse_LenientMode_AcceptsAMinimalService()
    {
        var text = RegistryFiles.Document("""{ "name": "web", "fqdn": "web.example" }""");

        var result = CatalogFile.Parse(Encoding.UTF8.GetBytes(text), "lenient.json", new CatalogFileReadOptions { Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient } });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("\"port\": \"8443\"", "services[0].endpoints[0].port", "expected a number, found a string")]
    [InlineData("\"port\": 8443.5", "services[0].endpoints[0].port", "'8443.5' is not a whole number")]
    [InlineData("\"port\": 8443, \"weight\": 3", "services[0].endpoints[0].weight", "is not a known field")]
    public void Parse_WrongShape_NamesTheFieldAndLine(string endpointMembers, string field, string message)
    {
        var text = RegistryFiles.Document($$"""
            {
              "name": "web",
              "endpoints": [
                { "address": "192.0.2.1", {{endpointMembers}} }
              ]
            }
            """);

        var error = Assert.Single(Parse(text).Errors);

        Assert.Equal(field, error.Field);
        Assert.Equal(LineOf(text, "192.0.2.1"), error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeys_NamesBothServices()
    {
        var text = RegistryFiles.Document(RegistryFiles.Service("web"), RegistryFiles.Service("web", port: 8443));

        var error = Assert.Single(Parse(text).Errors);

        Assert.Equal("services[1].key", error.Field);
        Assert.Contains($"'web' is also the key of services[0] (line {LineOf(text, "\"web\"")})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_ReportsTheLine()
    {
        var text = "{\n  \"services\": [\n    { \"name\": \"web\" \n  ]\n}\n";

        var error = Assert.Single(Parse(text).Errors);

        Assert.Equal(4, error.Line);
        Assert.Contains("is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsTrailingCommasAndByteOrderMark_AreAccepted()
    {
        var text = "\uFEFF// mesh A\n{ \"services\": [ " + RegistryFiles.Service("web") + ", ], }";

        var result = Parse(text);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("[]", "", "must hold a JSON object")]
    [InlineData("{}", "services", "is required")]
    [InlineData("{ \"services\": {} }", "services", "expected an array")]
    [InlineData("{ \"services\": [], \"extra\": 1 }", "extra", "is not a known field")]
    public void Parse_WrongDocumentShape_IsReported(string text, string field, string message)
    {
        var error = Assert.Single(Parse(text).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidFile_ReturnsNoEntries()
    {
        var result = Parse(RegistryFiles.Document(RegistryFiles.Service("web"), """{ "name": "bad name" }"""));

        Assert.False(result.IsValid);
        Assert.Empty(result.Entries);
        Assert.Throws<CatalogFileException>(result.ThrowIfInvalid);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_IsAnErrorNotAnException()
    {
        using var directory = new TemporaryDirectory();

        var result = await CatalogFile.ReadAsync(directory.File("absent.json"), null, TestContext.Current.CancellationToken);

        var error = Assert.Single(result.Errors);
        Assert.Equal(0, error.Line);
        Assert.Equal($"{directory.File("absent.json")}: does not exist", error.ToString());
    }

    [Fact]
    public async Task WriteAsync_ReplacesTheFileAndLeavesNoTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("imports.json");
        await File.WriteAllTextAsync(path, "old", TestContext.Current.CancellationToken);

        await CatalogFile.WriteAsync(path, [RegistryFiles.Entry("web")], TestContext.Current.CancellationToken);

        Assert.Equal([path], Directory.GetFiles(directory.Path));
        var result = await CatalogFile.ReadAsync(path, null, TestContext.Current.CancellationToken);
        Assert.Equal(RegistryFiles.Entry("web"), Assert.Single(result.Entries));
    }

    [Fact]
    public void Exception_ListsEveryError()
    {
        var errors = Parse(RegistryFiles.Document("""{ "name": "a" }""", """{ "name": "b" }""")).Errors;

        var exception = new CatalogFileException("registry.json", errors);

        Assert.Equal(errors, exception.Errors);
        Assert.Contains("has 8 errors", exception.Message, StringComparison.Ordinal);
        Assert.Contains("test.json:3:1: services[0].fqdn: is required", exception.Message, StringComparison.Ordinal);
        Assert.Contains("test.json:4:1: services[1].fqdn: is required", exception.Message, StringComparison.Ordinal);
    }

    private static CatalogFileReadResult Parse(string text, string file = "test.json") =>
        CatalogFile.Parse(Encoding.UTF8.GetBytes(text), file);

    private static int LineOf(string text, string fragment) =>
        text[..text.IndexOf(fragment, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
}
