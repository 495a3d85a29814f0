using System.Globalization;
using System.Net;
using System.Text.Json;
using MeshInterop.Testing.Ports;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class AgentCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact(Timeout = 90_000)]
    public async Task Agent_TwoConfigurationFiles_FederateOnLoopbackAndStopCleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var ports = LoopbackPorts.Reserve(2);
        var consulPort = ports[0];
        var nsxsmPort = ports[1];
        var consul = await PrepareMeshAsync("consul", consulPort, "nsxsm", nsxsmPort, ["web", "api"]);
        var nsxsm = await PrepareMeshAsync("nsxsm", nsxsmPort, "consul", consulPort, ["httpbin"]);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var consulAgent = AgentHost.Start(stop.Token, "--config", consul);

        // The nsxsm file names a port nobody listens on; the command line overrides it, as in any ASP.NET Core host.
        var nsxsmConfig = Path.Combine(Path.GetDirectoryName(nsxsm)!, "agent.json");
        await File.WriteAllTextAsync(nsxsmConfig, (await File.ReadAllTextAsync(nsxsmConfig, ct)).Replace($"127.0.0.1:{nsxsmPort}\"", "127.0.0.1:1\"", StringComparison.Ordinal), ct);
        var nsxsmAgent = AgentHost.Start(stop.Token, "--config", nsxsm, $"--MeshInterop:Federation:ListenEndpoint=127.0.0.1:{nsxsmPort.ToString(CultureInfo.InvariantCulture)}");

        var consulApp = await consulAgent.Started.Task.WaitAsync(ct);
        var nsxsmApp = await nsxsmAgent.Started.Task.WaitAsync(ct);
        await AgentHost.WaitForSyncAsync(consulApp, expectedImports: 1);
        await AgentHost.WaitForSyncAsync(nsxsmApp, expectedImports: 2);

        // The import views are on disk, in the imports files of the file registry.
        await AgentHost.WaitForFileAsync(_directory.File("consul/imports.json"), text => text.Contains("\"name\": \"nsxsm-httpbin\"", StringComparison.Ordinal));
        await AgentHost.WaitForFileAsync(_directory.File("nsxsm/imports.json"), text =>
            text.Contains("\"name\": \"consul-web\"", StringComparison.Ordinal) && text.Contains("\"name\": \"consul-api\"", StringComparison.Ordinal));

        // The admin listener of the configuration serves the status.
        var admin = consulApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(admin) };
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/meshinterop/status", UriKind.Relative), ct));
        Assert.Equal("consul", status.RootElement.GetProperty("mesh").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct)).StatusCode);

        await stop.CancelAsync();
        var consulResult = await consulAgent.Completion.WaitAsync(ct);
        var nsxsmResult = await nsxsmAgent.Completion.WaitAsync(ct);

        Assert.Equal(0, consulResult.ExitCode);
        Assert.Equal(0, nsxsmResult.ExitCode);
        Assert.Contains("meshinterop agent: mesh consul (trust domain consul.example), 1 peer", consulResult.Output, StringComparison.Ordinal);
        Assert.EndsWith("meshinterop agent stopped." + Environment.NewLine, consulResult.Output, StringComparison.Ordinal);
        Assert.Empty(consulResult.Error);
    }

    [Fact]
    public async Task Agent_InvalidConfiguration_ExitsWithTwoAndNamesEveryPath()
    {
        var config = await PrepareMeshAsync("consul", 1, "nsxsm", 2, ["web"]);

        var result = await RunAgentAsync("--config", config, "--MeshInterop:Federation:MeshName=Not A Label", "--MeshInterop:Federation:Peers:0:TrustDomain=consul.example");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The configuration is invalid", result.Error, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Federation:MeshName", result.Error, StringComparison.Ordinal);
        Assert.Contains("MeshInterop:Federation:Peers:0:TrustDomain", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_InvalidRegistryFile_ExitsWithTwoAndNamesTheLine()
    {
        var config = await PrepareMeshAsync("consul", 1, "nsxsm", 2, ["web"]);
        await File.WriteAllTextAsync(_directory.File("consul/registry.json"), "{\n  \"services\": [\n    { \"name\": \"web\" }\n  ]\n}\n", TestContext.Current.CancellationToken);

        var result = await RunAgentAsync("--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{_directory.File("consul/registry.json")}:3:5: services[0].fqdn: is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_MissingConfigurationFile_ExitsWithTwo()
    {
        var result = await RunAgentAsync("--config", _directory.File("absent.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("absent.json' does not exist", result.Error, StringComparison.Ordinal);
    }

    private static Task<CommandResult> RunAgentAsync(params string[] arguments) =>
        AgentHost.Start(TestContext.Current.CancellationToken, arguments).Completion;

    /// <summary>Development PKI, a registry file and an agent configuration for one mesh, made with the CLI itself.</summary>
    private async Task<string> PrepareMeshAsync(string mesh, int port, string peer, int peerPort, string[] services)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = _directory.File(mesh);
        var pki = Path.Combine(directory, "pki");
        Assert.Equal(0, (await CommandRunner.RunAsync("spiffe", "create-ca", "-t", $"{mesh}.example", "-o", pki, "--force")).ExitCode);
        Assert.Equal(0, (await CommandRunner.RunAsync("spiffe", "create-svid", "--ca", Path.Combine(pki, $"{mesh}.example.dev-ca.pem"), "--id", $"spiffe://{mesh}.example/meshinterop/agent", "-o", pki)).ExitCode);

        var entries = services.Select(name => $$"""
            { "name": "{{name}}", "fqdn": "{{name}}.{{mesh}}.example", "subjectAlternativeNames": ["spiffe://{{mesh}}.example/ns/default/sa/{{name}}"],
              "endpoints": [{ "address": "127.0.0.1", "port": {{port}}, "labels": ["ingress"] }],
              "instances": [{ "id": "{{name}}-v1", "protocol": "HTTP", "endpointSelector": ["ingress"] }] }
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "registry.json"), "{ \"services\": [\n" + string.Join(",\n", entries) + "\n] }\n", ct);

        // The peer's CA is only on disk once its mesh is prepared too, and the agent reads it at start.
        var config = $$"""
            {
              "MeshInterop": {
                "Federation": {
                  "MeshName": "{{mesh}}",
                  "TrustDomain": "{{mesh}}.example",
                  "Svid": { "CertificatePath": "pki/agent.dev-svid.pem", "PrivateKeyPath": "pki/agent.dev-svid.key.pem" },
                  "TrustBundle": { "PemFile": "pki/{{mesh}}.example.dev-ca.pem" },
                  "ListenEndpoint": "127.0.0.1:{{port}}",
                  "Exports": { "Allow": [ { "Names": [ "*" ] } ] },
                  "Peers": [
                    {
                      "Name": "{{peer}}",
                      "Address": "https://127.0.0.1:{{peerPort}}",
                      "TrustDomain": "{{peer}}.example",
                      "TrustBundle": { "PemFile": "../{{peer}}/pki/{{peer}}.example.dev-ca.pem" }
                    }
                  ],
                  "FileRegistry": { "ServicesPath": "registry.json", "ImportsPath": "imports.json" }
                },
                "Agent": { "AdminListenEndpoint": "127.0.0.1:0" }
              },
              "Logging": { "LogLevel": { "Default": "Warning" } }
            }
            """;
        var path = Path.Combine(directory, "agent.json");
        await File.WriteAllTextAsync(path, config, ct);
        if (!File.Exists(_directory.File($"{peer}/pki/{peer}.example.dev-ca.pem")))
        {
            // A lone mesh (the failure tests): trust a CA of its own making for the peer's trust domain.
            Assert.Equal(0, (await CommandRunner.RunAsync("spiffe", "create-ca", "-t", $"{peer}.example", "-o", _directory.File($"{peer}/pki"))).ExitCode);
        }

        return path;
    }

}
