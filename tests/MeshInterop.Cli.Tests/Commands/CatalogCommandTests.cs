using System.Text.Json;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class CatalogCommandTests : IDisposable
{
    private const string Web = """
        { "name": "web", "fqdn": "web.consul.example", "subjectAlternativeNames": ["spiffe://consul.example/web"],
          "endpoints": [{ "address": "127.0.0.1", "port": 15443, "labels": ["ingress"] }],
          "instances": [{ "id": "web-1", "protocol": "HTTP", "endpointSelector": ["ingress"] }] }
        """;

    private const string Api = """
        { "name": "api", "fqdn": "api.consul.example", "subjectAlternativeNames": ["spiffe://consul.example/api"],
          "endpoints": [{ "address": "127.0.0.1", "port": 15443, "labels": ["ingress"] }],
          "instances": [{ "id": "api-1", "protocol": "HTTP", "endpointSelector": ["ingress"] }] }
        """;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Validate_ValidFile_ListsItsServices()
    {
        var path = await WriteAsync("registry.json", Web, Api);

        var result = await CommandRunner.RunAsync("catalog", "validate", path);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"valid {path}: 2 services (strict mode)", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  api +api\.consul\.example +127\.0\.0\.1:15443 +spiffe://consul\.example/api$", result.Output);
    }

    [Fact]
    public async Task Validate_InvalidFile_PrintsEveryProblemWithLineAndFieldAndFails()
    {
        var path = await WriteAsync("registry.json", Web.Replace("15443", "99999", StringComparison.Ordinal), Api.Replace("\"HTTP\"", "\"FTP\"", StringComparison.Ordinal));

        var result = await CommandRunner.RunAsync("catalog", "validate", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"invalid {path}: 2 problems", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{path}:4:51: services[0].endpoints[0].port: 99999 is not a port; use 1-65535", result.Output, StringComparison.Ordinal);
        Assert.Contains("services[1].instances[0].protocol: 'FTP' is not one of", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Json_CarriesLineAndField()
    {
        var path = await WriteAsync("registry.json", Web.Replace("15443", "99999", StringComparison.Ordinal));

        var result = await CommandRunner.RunAsync("catalog", "validate", path, "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(4, error.GetProperty("line").GetInt32());
        Assert.Equal("services[0].endpoints[0].port", error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Validate_LenientAndImports_RelaxTheRules()
    {
        var minimal = await WriteAsync("minimal.json", """{ "name": "web", "fqdn": "web.example" }""");
        var imports = await WriteAsync("imports.json", """{ "name": "nsxsm-web", "fqdn": "web.example", "origin": { "peer": "nsxsm", "key": "web" } }""");

        Assert.Equal(1, (await CommandRunner.RunAsync("catalog", "validate", minimal)).ExitCode);
        Assert.Equal(0, (await CommandRunner.RunAsync("catalog", "validate", minimal, "--lenient")).ExitCode);
        var strictImports = await CommandRunner.RunAsync("catalog", "validate", imports, "--lenient");
        Assert.Equal(1, strictImports.ExitCode);
        Assert.Contains("services[0].origin: is written by the file sink", strictImports.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await CommandRunner.RunAsync("catalog", "validate", imports, "--imports")).ExitCode);
    }

    [Fact]
    public async Task Validate_MissingFile_SaysSo()
    {
        var result = await CommandRunner.RunAsync("catalog", "validate", _directory.File("absent.json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.json: does not exist", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_EqualFiles_ExitZero()
    {
        var a = await WriteAsync("a.json", Web, Api);
        var b = await WriteAsync("b.json", Api, Web);

        var result = await CommandRunner.RunAsync("catalog", "diff", a, b);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("equal: both files hold the same 2 services.", result.Output.Trim());
    }

    [Fact]
    public async Task Diff_DifferentFiles_ListsAddedRemovedAndChangedFields()
    {
        var a = await WriteAsync("a.json", Web, Api);
        var b = await WriteAsync("b.json", Api.Replace("15443", "9443", StringComparison.Ordinal).Replace("api.consul", "api2.consul", StringComparison.Ordinal), Web.Replace("\"web\"", "\"www\"", StringComparison.Ordinal));

        var text = await CommandRunner.RunAsync("catalog", "diff", a, b);
        var json = await CommandRunner.RunAsync("catalog", "diff", a, b, "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Equal(["~ api  fqdn, endpoints", "- web", "+ www", "1 added, 1 removed, 1 changed"], text.Output.TrimEnd().Split('\n'));
        using var document = JsonDocument.Parse(json.Output);
        Assert.False(document.RootElement.GetProperty("equal").GetBoolean());
        Assert.Equal(3, document.RootElement.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task Diff_InvalidFile_ExitsWithTwoAndNamesTheProblem()
    {
        var a = await WriteAsync("a.json", Web);
        var b = _directory.File("b.json");
        await File.WriteAllTextAsync(b, "{ \"services\": [ }", TestContext.Current.CancellationToken);

        var result = await CommandRunner.RunAsync("catalog", "diff", a, b);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{b}' is not a valid catalog file", result.Error, StringComparison.Ordinal);
        Assert.Contains("is not valid JSON", result.Error, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, params string[] services)
    {
        var path = _directory.File(name);
        await File.WriteAllTextAsync(path, "{\n\"services\": [\n" + string.Join(",\n", services) + "\n]\n}\n", TestContext.Current.CancellationToken);
        return path;
    }
}
