namespace MeshInterop.Catalog;

/// <summary>Where a service runs, in the region / zone / sub-zone scheme Kubernetes and Consul share. Hamlet does not carry it.</summary>
public sealed record ServiceLocality
{
    /// <summary>Gets the region, for example <c>eu-west-1</c>.</summary>
    /// <value>The default value is the empty string (unknown).</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Region
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;

    /// <summary>Gets the zone within the region.</summary>
    /// <value>The default value is the empty string (unknown).</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Zone
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;

    /// <summary>Gets the sub-zone within the zone.</summary>
    /// <value>The default value is the empty string (unknown).</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Subzone
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;
}
