using System.Runtime.CompilerServices;
using CsCheck;

namespace MeshInterop.Catalog.Tests.Generators;

/// <summary>
/// Runs a property over a fixed, reproducible set of seeds in CI: CsCheck's own <c>seed</c> argument fixes only the
/// first iteration, so each iteration here gets its own seed derived from the test name. Setting
/// MESHINTEROP_PROPERTY_ITERATIONS switches to CsCheck's random sampling (with shrinking) for that many iterations.
/// A failure message carries the seed; rerun it with <c>gen.Sample(assert, seed: "...", iter: 1)</c>.
/// </summary>
public static class PropertyRun
{
    public const int CiIterations = 200;

    public static void Check<T>(Gen<T> gen, Action<T> assert, [CallerMemberName] string name = "")
    {
        if (long.TryParse(Environment.GetEnvironmentVariable("MESHINTEROP_PROPERTY_ITERATIONS"), out var iterations) && iterations > 0)
        {
            gen.Sample(assert, iter: iterations);
            return;
        }

        var baseSeed = StableHash(name);
        for (var i = 0; i < CiIterations; i++)
        {
            var seed = new PCG(1, baseSeed + (ulong)i).ToString();
            gen.Sample(assert, seed: seed, iter: 1, threads: 1);
        }
    }

    /// <summary>The asynchronous form, for properties that await (fixed seeds only; no shrinking).</summary>
    public static async Task CheckAsync<T>(Gen<T> gen, Func<T, Task> assert, [CallerMemberName] string name = "")
    {
        var iterations = long.TryParse(Environment.GetEnvironmentVariable("MESHINTEROP_PROPERTY_ITERATIONS"), out var n) && n > 0 ? n : CiIterations;
        var baseSeed = StableHash(name);
        for (var i = 0L; i < iterations; i++)
        {
            var pcg = new PCG(1, baseSeed + (ulong)i);
            var seed = pcg.ToString();
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                await assert(value);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"Property failed for seed {seed} with input {value}.", ex);
            }
        }
    }

    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        return hash;
    }
}
