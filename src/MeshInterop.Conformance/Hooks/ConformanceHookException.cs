namespace MeshInterop.Conformance.Hooks;

/// <summary>A hook could not do what the kit asked; the case is reported as an error, not as a failure of the target.</summary>
public sealed class ConformanceHookException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ConformanceHookException"/> class.</summary>
    public ConformanceHookException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConformanceHookException"/> class.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public ConformanceHookException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConformanceHookException"/> class.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public ConformanceHookException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
