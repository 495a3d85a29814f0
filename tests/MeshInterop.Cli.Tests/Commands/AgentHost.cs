using System.CommandLine;
using MeshInterop.Cli.Commands;
using MeshInterop.Federation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Cli.Tests.Commands;

/// <summary>Runs <c>meshinterop agent</c> in-process, as the tool does, and waits for what it does without sleeping.</summary>
internal static class AgentHost
{
    public static async Task WaitForSyncAsync(WebApplication app, int expectedImports)
    {
        var status = app.Services.GetRequiredService<IMeshFederationStatus>();
        using var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, EventArgs e) => changed.Release();
        status.Changed += OnChanged;
        try
        {
            while (!(status.Peers.Count == 1 && status.Peers[0].LastFullSync is not null && status.Peers[0].ImportedServices == expectedImports))
            {
                await changed.WaitAsync(TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            status.Changed -= OnChanged;
        }
    }

    /// <summary>Waits until the file exists and its content satisfies <paramref name="condition"/>, woken by file system events.</summary>
    public static async Task WaitForFileAsync(string path, Func<string, bool> condition)
    {
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path)) { EnableRaisingEvents = true };
        watcher.Created += (_, _) => changed.Release();
        watcher.Changed += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();
        while (!(File.Exists(path) && condition(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))))
        {
            await changed.WaitAsync(TestContext.Current.CancellationToken);
        }
    }

    public static RunningAgent Start(CancellationToken stop, params string[] arguments)
    {
        var started = new TaskCompletionSource<WebApplication>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = new RootCommand("test") { AgentCommand.Create(app => { started.TrySetResult(app); return Task.CompletedTask; }) };
        var output = new StringWriter();
        var error = new StringWriter();
        var completion = Task.Run(async () =>
        {
            var exitCode = await root.Parse(["agent", .. arguments]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop);
            started.TrySetException(new InvalidOperationException($"The agent ended with {exitCode} before it started: {error}"));
            return new CommandResult(exitCode, output.ToString(), error.ToString());
        });
        return new RunningAgent(started, completion);
    }

}

internal sealed record RunningAgent(TaskCompletionSource<WebApplication> Started, Task<CommandResult> Completion);
