using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// Run one benchmark class with: dotnet run -c Release --project benchmarks/MeshInterop.Benchmarks -- --filter '*WireCodec*'
// The default config already exports GitHub markdown, which benchmarks/results/ keeps.
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default);

if (args is ["hamlet-measure"])
{
    await MeshInterop.Benchmarks.Protocol.HamletMeasurements.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
