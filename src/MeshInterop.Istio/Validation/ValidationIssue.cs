namespace MeshInterop.Istio.Validation;

/// <summary>How serious a validation finding is.</summary>
public enum ValidationSeverity
{
    /// <summary>The API server or istiod would reject the object.</summary>
    Error,

    /// <summary>istiod would accept the object and answer with a <c>Warning</c> header.</summary>
    Warning,
}

/// <summary>One validation finding, naming the JSON path of the offending field.</summary>
/// <param name="Path">The field path in Kubernetes notation, for example <c>spec.ports[1].name</c>; map keys in brackets.</param>
/// <param name="Message">What is wrong, in the API server's wording where one exists.</param>
/// <param name="Severity">Whether the finding rejects the object.</param>
public sealed record ValidationIssue(string Path, string Message, ValidationSeverity Severity = ValidationSeverity.Error)
{
    /// <summary>Returns <c>path: message</c>, the form the API server uses in <c>details.causes</c>.</summary>
    /// <returns>The path and message.</returns>
    public override string ToString() => Path.Length == 0 ? Message : Path + ": " + Message;
}

/// <summary>The findings of one validation run.</summary>
public sealed class ValidationResult
{
    internal ValidationResult(IReadOnlyList<ValidationIssue> issues, IReadOnlyList<string> uncheckedRules)
    {
        Issues = issues;
        UncheckedRules = uncheckedRules;
    }

    /// <summary>Gets every finding, errors and warnings, in the order the walk met them.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; }

    /// <summary>Gets the errors.</summary>
    public IEnumerable<ValidationIssue> Errors => Issues.Where(i => i.Severity == ValidationSeverity.Error);

    /// <summary>Gets the warnings.</summary>
    public IEnumerable<ValidationIssue> Warnings => Issues.Where(i => i.Severity == ValidationSeverity.Warning);

    /// <summary>Gets whether no error was found.</summary>
    public bool IsValid => !Errors.Any();

    /// <summary>
    /// Gets the rules that applied to the object but could not be evaluated, as <c>path: rule message</c>: CEL
    /// transition rules (<c>oldSelf</c>) and rules using the URL library, and, from the webhook validator, kinds
    /// without ported rules. The API server still enforces them.
    /// </summary>
    public IReadOnlyList<string> UncheckedRules { get; }

    /// <inheritdoc/>
    public override string ToString() => Issues.Count == 0 ? "valid" : string.Join("; ", Issues);
}
