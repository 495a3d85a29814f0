namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>
/// The subset of Consul's filter language the double supports: <c>Sel["k"] == "v"</c>, <c>"x" in Sel</c> and <c>and</c>.
/// Anything else is rejected with 400 so that an unsupported filter fails loudly instead of matching silently.
/// </summary>
public sealed class ConsulFilter
{
    private readonly List<Func<Func<string, string?, object?>, bool>> _clauses;

    private ConsulFilter(List<Func<Func<string, string?, object?>, bool>> clauses) => _clauses = clauses;

    /// <summary>Parses an expression whose selectors must be among <paramref name="mapSelectors"/> and <paramref name="listSelectors"/>.</summary>
    public static ConsulFilter Parse(string expression, IReadOnlyCollection<string> mapSelectors, IReadOnlyCollection<string> listSelectors)
    {
        var clauses = new List<Func<Func<string, string?, object?>, bool>>();
        foreach (var raw in expression.Split(" and ", StringSplitOptions.None))
        {
            var clause = raw.Trim();
            var eq = clause.IndexOf("==", StringComparison.Ordinal);
            if (eq > 0)
            {
                var left = clause[..eq].Trim();
                var value = Unquote(clause[(eq + 2)..].Trim(), expression);
                var bracket = left.IndexOf('[', StringComparison.Ordinal);
                if (bracket <= 0 || !left.EndsWith(']'))
                {
                    throw Unsupported(expression);
                }

                var selector = left[..bracket];
                var key = Unquote(left[(bracket + 1)..^1], expression);
                if (!mapSelectors.Contains(selector))
                {
                    throw Unsupported(expression);
                }

                clauses.Add(lookup => lookup(selector, key) is string actual && string.Equals(actual, value, StringComparison.Ordinal));
                continue;
            }

            var inAt = clause.IndexOf(" in ", StringComparison.Ordinal);
            if (inAt > 0)
            {
                var value = Unquote(clause[..inAt].Trim(), expression);
                var selector = clause[(inAt + 4)..].Trim();
                if (!listSelectors.Contains(selector))
                {
                    throw Unsupported(expression);
                }

                clauses.Add(lookup => lookup(selector, null) is IEnumerable<string> list && list.Contains(value, StringComparer.Ordinal));
                continue;
            }

            throw Unsupported(expression);
        }

        return new ConsulFilter(clauses);
    }

    /// <summary>Evaluates the filter; <paramref name="lookup"/> returns a map value (with a key) or a list (without one).</summary>
    public bool Matches(Func<string, string?, object?> lookup) => _clauses.All(c => c(lookup));

    private static string Unquote(string text, string expression) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : throw Unsupported(expression);

    private static DoubleErrorException Unsupported(string expression) =>
        new(400, $"Failed to create boolean expression evaluator: the Consul test double does not support the filter '{expression}'");
}
