using System.CommandLine;
using MeshInterop.Cli.Commands;

var root = new RootCommand("meshinterop: federate service meshes over Hamlet with SPIFFE mTLS.");
root.Subcommands.Add(ProtocolCommand.Create());
root.Subcommands.Add(ConformanceCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
