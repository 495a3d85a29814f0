namespace MeshInterop.Catalog.Naming;

/// <summary>
/// How services imported from one peer are named in the local mesh. Every local name is a valid DNS-1123 label
/// of at most 63 characters; a longer name is shortened and given a deterministic hash suffix.
/// </summary>
public sealed class ImportNamingOptions
{
    /// <summary>Gets or sets how the local name is formed.</summary>
    /// <value>Default: <see cref="ImportNameStyle.Prefix"/>, giving <c>&lt;peer&gt;-&lt;name&gt;</c>.</value>
    public ImportNameStyle Style { get; set; } = ImportNameStyle.Prefix;

    /// <summary>Gets or sets the text that stands for the peer in local names and templates (<c>{peer}</c>).</summary>
    /// <value>Default: <see langword="null"/>, meaning the peer name folded to a DNS-1123 label.</value>
    public string? Alias { get; set; }

    /// <summary>
    /// Gets or sets the local-name template used with <see cref="ImportNameStyle.Template"/>. Placeholders:
    /// <c>{peer}</c> (the alias) and <c>{name}</c> (the service name, required); other text must be lower-case
    /// letters, digits or '-'.
    /// </summary>
    /// <value>Default: <see langword="null"/>; required when <see cref="Style"/> is <see cref="ImportNameStyle.Template"/>.</value>
    public string? NameTemplate { get; set; }

    /// <summary>
    /// Gets or sets the template of the local FQDN. Placeholders: <c>{local}</c> (the local name), <c>{name}</c>
    /// (the service name as a label), <c>{peer}</c> (the alias) and <c>{fqdn}</c> (the owner's FQDN); other text
    /// must be lower-case letters, digits, '-' or '.'. Example: <c>{local}.svc.mesh.internal</c>.
    /// </summary>
    /// <value>Default: <see langword="null"/>, meaning the owner's FQDN is kept unchanged.</value>
    public string? FqdnTemplate { get; set; }
}
