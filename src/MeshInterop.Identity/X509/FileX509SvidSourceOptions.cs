using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Identity.X509;

/// <summary>Where <see cref="FileX509SvidSource"/> reads the SVID and how often it looks for a new one.</summary>
public sealed class FileX509SvidSourceOptions
{
    /// <summary>Gets or sets the path of the PEM certificate chain (leaf first); used with <see cref="PrivateKeyPath"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the path of the unencrypted PKCS#8 PEM private key.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Gets or sets the path of a PKCS#12 file, used instead of the two PEM paths.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Pkcs12Path { get; set; }

    /// <summary>Gets or sets the PKCS#12 password.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Pkcs12Password { get; set; }

    /// <summary>Gets or sets how often the files are checked for a rotated SVID.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
