namespace MeshInterop.Catalog.Naming;

/// <summary>How the local name of an imported service is formed from the peer and the service name.</summary>
public enum ImportNameStyle
{
    /// <summary><c>&lt;peer&gt;-&lt;name&gt;</c>, the default: every import of a peer shares a prefix, which Consul ACL rules can match.</summary>
    Prefix = 0,

    /// <summary><c>&lt;name&gt;-&lt;peer&gt;</c>.</summary>
    Suffix = 1,

    /// <summary>The <see cref="ImportNamingOptions.NameTemplate"/>, with <c>{peer}</c> and <c>{name}</c> placeholders.</summary>
    Template = 2,
}
