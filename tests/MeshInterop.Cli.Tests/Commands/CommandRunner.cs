using System.CommandLine;
using MeshInterop.Cli.Commands;

namespace MeshInterop.Cli.Tests.Commands;

/// <summary>Runs meshinterop commands in-process, as the tool's entry point does, capturing output and exit code.</summary>
internal static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(params string[] arguments)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(SpiffeCommand.Create());
        root.Subcommands.Add(CatalogCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return new CommandResult(exitCode, output.ToString(), error.ToString());
    }
}

internal sealed record CommandResult(int ExitCode, string Output, string Error);

/// <summary>A directory of its own under the system temporary directory, removed with everything in it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "meshinterop-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
