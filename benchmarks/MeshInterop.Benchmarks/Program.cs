using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Running;

// Run one benchmark class with: dotnet run -c Release --project benchmarks/MeshInterop.Benchmarks -- --filter '*WireCodec*'
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
