namespace MeshInterop.Federation;

/// <summary>The agent's X.509-SVID as PEM files, re-read when they change so rotation needs no restart.</summary>
public sealed class MeshFederationSvidOptions
{
    /// <summary>Gets or sets the path of the PEM certificate chain, leaf first.</summary>
    /// <value>Default: <see langword="null"/>; set together with <see cref="PrivateKeyPath"/>.</value>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the path of the PEM private key.</summary>
    /// <value>Default: <see langword="null"/>; set together with <see cref="CertificatePath"/>.</value>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Gets or sets how often the files are checked for a new SVID.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
