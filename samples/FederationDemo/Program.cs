// The two-mesh federation story, end to end on loopback, with nothing to install; see Demo.cs and README.md.
using MeshInterop.Samples.FederationDemo;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
return await Demo.RunAsync(Console.Out, timeout.Token);
