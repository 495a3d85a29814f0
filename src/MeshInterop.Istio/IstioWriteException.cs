namespace MeshInterop.Istio;

/// <summary>
/// Some objects of a batch could not be written to the cluster. Nothing owned was deleted in that batch (creates come
/// before deletes, and a failed create keeps the objects it was to replace); the batch can be retried as a whole.
/// </summary>
public sealed class IstioWriteException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IstioWriteException"/> class.</summary>
    /// <param name="failures">One line per object that failed, naming its kind, namespace, name and the reason.</param>
    /// <param name="innerException">The first underlying failure.</param>
    public IstioWriteException(IReadOnlyList<string> failures, Exception? innerException = null)
        : base(Describe(failures), innerException)
    {
        Failures = failures;
    }

    /// <summary>Gets one line per object that failed.</summary>
    public IReadOnlyList<string> Failures { get; }

    private static string Describe(IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return failures.Count == 1
            ? "Writing to the cluster failed: " + failures[0]
            : $"Writing to the cluster failed for {failures.Count} objects: " + string.Join("; ", failures.Take(10)) + (failures.Count > 10 ? "; ..." : string.Empty);
    }
}
