using System.Globalization;
using CsCheck;

namespace MeshInterop.Catalog.Tests.Import;

/// <summary>
/// Runs a CsCheck generator over a fixed sequence of seeds, so CI always checks the same inputs. Set
/// MESHINTEROP_PROPERTY_ITERATIONS (for example 20000) for a longer run; a failure names the CsCheck seed that
/// reproduces it with <c>Check.Sample(gen, property, seed: "...")</c>.
/// </summary>
internal static class PropertyRun
{
    internal const int DefaultIterations = 200;

    internal static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("MESHINTEROP_PROPERTY_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;

    internal static void ForAll<T>(Gen<T> gen, ulong seed, Action<T> property)
    {
        for (var i = 0; i < Iterations; i++)
        {
            var pcg = new PCG(1, seed + (ulong)i);
            var replay = pcg.ToString();
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                property(value);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Property failed at iteration {i} (CsCheck seed {replay}) for input {Check.Print(value)}: {ex.Message}", ex);
            }
        }
    }
}
