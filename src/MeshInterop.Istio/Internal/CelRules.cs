using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;

namespace MeshInterop.Istio.Internal;

/// <summary>What became of one CEL rule (<c>x-kubernetes-validations</c>) on one value.</summary>
internal enum CelOutcome
{
    Passed,
    Failed,

    /// <summary>The rule needs something this evaluator lacks: the old object, or the URL library.</summary>
    Unsupported,
}

/// <summary>
/// Evaluates the CRDs' CEL rules with the <c>Cel</c> package, with <c>self</c> bound to the value at the rule's schema
/// node. Adjustments for Kubernetes semantics: <c>has(self.f)</c> is rewritten to <c>'f' in self</c> (the package,
/// like protobuf, calls a present but empty map or list absent; Kubernetes tests key presence), and
/// <c>substring</c> from Kubernetes' strings library is supplied. Transition rules (<c>oldSelf</c>) and the URL
/// library (<c>url</c>, <c>isURL</c>) are not available and are reported as unsupported, never as passed.
/// </summary>
internal static partial class CelRules
{
    private static readonly Lock Gate = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();
    private static readonly Dictionary<string, CelProgramDelegate?> Programs = new(StringComparer.Ordinal);

    public static CelOutcome Evaluate(string rule, JsonNode value, out string? error)
    {
        error = null;
        if (rule.Contains("oldSelf", StringComparison.Ordinal) || rule.Contains("url(", StringComparison.Ordinal) || rule.Contains("isURL(", StringComparison.Ordinal))
            return CelOutcome.Unsupported;

        // The package's environment is not documented as thread-safe: compile and run one rule at a time.
        lock (Gate)
        {
            if (!Programs.TryGetValue(rule, out var program))
            {
                try
                {
                    program = Environment.Compile(HasField().Replace(rule, "('$2' in self$1)"));
                }
                catch (CelException)
                {
                    program = null;
                }

                Programs[rule] = program;
            }

            if (program is null)
                return CelOutcome.Unsupported;

            object? result;
            try
            {
                result = program(new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = ToCel(value) });
            }
            catch (CelException ex)
            {
                // A runtime error (no such key, a failed conversion) rejects the object, as in the API server.
                error = ex.Message;
                return CelOutcome.Failed;
            }

            if (result is bool passed)
                return passed ? CelOutcome.Passed : CelOutcome.Failed;
            error = "the rule did not evaluate to a boolean";
            return CelOutcome.Failed;
        }
    }

    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToCel(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToCel).ToArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when JsonNumbers.TryGet(value, out var n, out var integral) => integral ? (long)n : n,
            _ => null,
        },
        _ => null,
    };

    private static CelEnvironment CreateEnvironment()
    {
        var environment = new CelEnvironment(null!, null!);
        environment.RegisterFunction("substring", [typeof(string), typeof(long), typeof(long)], args => Substring((string)args[0]!, (long)args[1]!, (long)args[2]!));
        environment.RegisterFunction("substring", [typeof(string), typeof(long)], args => Substring((string)args[0]!, (long)args[1]!, null));
        return environment;
    }

    // Kubernetes' strings.substring counts code points and fails outside the string.
    private static string Substring(string text, long start, long? end)
    {
        var runes = text.EnumerateRunes().ToArray();
        var stop = end ?? runes.Length;
        if (start < 0 || stop < start || stop > runes.Length)
            throw new CelArgumentRangeException($"substring({start}, {stop}) is out of range for a string of {runes.Length} characters");
        return string.Concat(runes[(int)start..(int)stop].Select(r => r.ToString()));
    }

    [GeneratedRegex(@"has\(self((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z_][A-Za-z0-9_]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex HasField();
}
