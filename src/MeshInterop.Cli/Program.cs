using System.CommandLine;
using MeshInterop.Cli.Commands;

var root = new RootCommand("meshinterop: federate service meshes over Hamlet with SPIFFE mTLS.");
root.Subcommands.Add(ProtocolCommand.Create());
root.Subcommands.Add(ConformanceCommand.Create());
root.Subcommands.Add(IstioCommand.Create());
root.Subcommands.Add(SpiffeCommand.Create());
root.Subcommands.Add(CatalogCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
// A stop may take as long as the agent's graceful shutdown before the process is ended regardless.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = AgentCommand.ShutdownTimeout + TimeSpan.FromSeconds(5) }).ConfigureAwait(false);

/// <summary>The entry point; internal, as nothing outside the tool calls it.</summary>
internal sealed partial class Program;
