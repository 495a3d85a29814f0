namespace MeshInterop.Identity.X509;

/// <summary>How the extended key usage (EKU) extension of a peer leaf is checked.</summary>
public enum EkuPolicy
{
    /// <summary>A leaf without EKU passes; with EKU it must allow the role it is presented in (or anyExtendedKeyUsage).</summary>
    RoleWhenPresent = 0,

    /// <summary>EKU is not checked.</summary>
    Ignore,

    /// <summary>A leaf without EKU passes; with EKU it must allow both serverAuth and clientAuth .</summary>
    RequireBothWhenPresent,
}
