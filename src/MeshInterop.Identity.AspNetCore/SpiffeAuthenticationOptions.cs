using Microsoft.AspNetCore.Authentication;

namespace MeshInterop.Identity.AspNetCore;

/// <summary>Options of the SPIFFE authentication handler.</summary>
public sealed class SpiffeAuthenticationOptions : AuthenticationSchemeOptions
{
}
