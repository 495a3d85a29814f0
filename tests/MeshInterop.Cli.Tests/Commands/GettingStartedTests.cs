using System.Globalization;
using System.Runtime.CompilerServices;
using MeshInterop.Testing.Ports;

namespace MeshInterop.Cli.Tests.Commands;

/// <summary>
/// docs/getting-started.md, followed to the letter: its spiffe commands, its registry files and agent configurations
/// (with free ports in place of the documented ones), two agents, and the import view it promises.
/// </summary>
public sealed class GettingStartedTests : IDisposable
{
    // The listeners the page configures and their peers need to know; the admin listeners take any free port, and
    // the ingress ports in the registry files are data, not listeners.
    private static readonly string[] DocumentedPorts = ["15443", "15444", "16443", "16444"];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact(Timeout = 90_000)]
    public async Task GettingStarted_AsWritten_FederatesTwoMeshes()
    {
        var ct = TestContext.Current.CancellationToken;
        var document = await File.ReadAllTextAsync(DocumentPath(), ct);
        var free = LoopbackPorts.Reserve(DocumentedPorts.Length);
        (string Documented, string Free)[] ports = [.. DocumentedPorts.Select((p, i) => (p, free[i].ToString(CultureInfo.InvariantCulture))), ("15000", "0"), ("16000", "0")];
        string Local(string text) => ports.Aggregate(text, (current, port) => current.Replace("127.0.0.1:" + port.Documented, "127.0.0.1:" + port.Free, StringComparison.Ordinal));

        // Step 2: the spiffe commands, with their relative paths under the test's directory.
        foreach (var line in Block(document, "bash", 2).Split('\n').Where(l => l.StartsWith("meshinterop spiffe create-", StringComparison.Ordinal)))
        {
            var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(a => a.Contains('/', StringComparison.Ordinal) && !a.StartsWith("spiffe://", StringComparison.Ordinal) ? _directory.File(a) : a)
                .ToArray();
            var result = await CommandRunner.RunAsync(arguments);
            Assert.True(result.ExitCode == 0, line + ": " + result.Error);
        }

        // Steps 3 and 4: the four JSON files, in the order the page gives them.
        string[] files = ["consul/registry.json", "nsxsm/registry.json", "consul/agent.json", "nsxsm/agent.json"];
        for (var i = 0; i < files.Length; i++)
        {
            await File.WriteAllTextAsync(_directory.File(files[i]), Local(Block(document, "json", i)), ct);
        }

        Assert.Equal(0, (await CommandRunner.RunAsync("catalog", "validate", _directory.File("consul/registry.json"))).ExitCode);
        Assert.Equal(0, (await CommandRunner.RunAsync("catalog", "validate", _directory.File("nsxsm/registry.json"))).ExitCode);

        // The error the page shows for a wrong port is the one the tool prints.
        var broken = _directory.File("broken/registry.json");
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        await File.WriteAllTextAsync(broken, Block(document, "json", 0).Replace("15543", "99999", StringComparison.Ordinal), ct);
        var error = await CommandRunner.RunAsync("catalog", "validate", broken);
        Assert.Contains(broken + ":7:56: services[0].endpoints[0].port: 99999 is not a port; use 1-65535", error.Output, StringComparison.Ordinal);
        Assert.Contains("consul/registry.json:7:56: services[0].endpoints[0].port: 99999 is not a port; use 1-65535", document, StringComparison.Ordinal);

        // Step 5: the two agents.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var consul = AgentHost.Start(stop.Token, "--config", _directory.File("consul/agent.json"));
        var nsxsm = AgentHost.Start(stop.Token, "--config", _directory.File("nsxsm/agent.json"));
        await consul.Started.Task.WaitAsync(ct);
        await nsxsm.Started.Task.WaitAsync(ct);

        // Step 6: the import views.
        await AgentHost.WaitForFileAsync(_directory.File("consul/imports.json"), text => text.Contains("\"name\": \"nsxsm-httpbin\"", StringComparison.Ordinal));
        await AgentHost.WaitForFileAsync(_directory.File("nsxsm/imports.json"), text => text.Contains("\"name\": \"consul-api\"", StringComparison.Ordinal) && text.Contains("\"name\": \"consul-web\"", StringComparison.Ordinal));
        var view = await CommandRunner.RunAsync("catalog", "validate", _directory.File("consul/imports.json"), "--imports");
        Assert.Equal(0, view.ExitCode);
        Assert.Contains("1 service (lenient mode)", view.Output, StringComparison.Ordinal);
        Assert.Matches(@"nsxsm-httpbin +httpbin\.nsxsm\.example +127\.0\.0\.1:16543 +spiffe://nsxsm\.example/ns/default/sa/httpbin", view.Output);

        // Step 8: a clean stop.
        await stop.CancelAsync();
        Assert.Equal(0, (await consul.Completion.WaitAsync(ct)).ExitCode);
        Assert.Equal(0, (await nsxsm.Completion.WaitAsync(ct)).ExitCode);
    }

    /// <summary>The content of the <paramref name="index"/>-th fenced block of a language (0-based).</summary>
    private static string Block(string document, string language, int index)
    {
        var fence = "```" + language + "\n";
        var start = -1;
        for (var i = 0; i <= index; i++)
        {
            start = document.IndexOf(fence, start + 1, StringComparison.Ordinal);
            Assert.True(start >= 0, $"docs/getting-started.md has no {language} block number {index + 1}.");
        }

        start += fence.Length;
        return document[start..document.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static string DocumentPath([CallerFilePath] string caller = "") =>
        Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "..", "docs", "getting-started.md");
}
