using System.ComponentModel;
using System.Globalization;

namespace MeshInterop.Identity.Serialization;

/// <summary>
/// Converts between <see cref="string"/> and <see cref="TrustDomain"/>, so trust domains bind from configuration.
/// Strings are parsed strictly, as a bare name or a SPIFFE ID; the culture is ignored.
/// </summary>
public sealed class TrustDomainTypeConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType)
        => destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc/>
    /// <exception cref="SpiffeIdFormatException">The string is not a valid trust domain.</exception>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? TrustDomain.Parse(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(TrustDomain)</c>.</exception>
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
    {
        if (destinationType == typeof(string) && value is TrustDomain trustDomain)
        {
            return trustDomain.IsEmpty ? throw new ArgumentException("default(TrustDomain) cannot be converted.", nameof(value)) : trustDomain.ToString();
        }

        return base.ConvertTo(context, culture, value, destinationType);
    }
}
