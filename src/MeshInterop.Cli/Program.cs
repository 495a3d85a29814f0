using System.CommandLine;
using MeshInterop.Cli.Commands;

var root = new RootCommand("meshinterop: federate service meshes over Hamlet with SPIFFE mTLS.");
root.Subcommands.Add(ProtocolCommand.Create());
root.Subcommands.Add(IstioCommand.Create());
root.Subcommands.Add(SpiffeCommand.Create());
root.Subcommands.Add(CatalogCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

/// <summary>The entry point; internal, as nothing outside the tool calls it.</summary>
internal sealed partial class Program;
