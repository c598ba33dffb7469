using Microsoft.IdentityModel.Tokens;

namespace CdsService.Security;

/// <summary>
/// <c>exp</c> required and not passed, <c>nbf</c> (if sent) reached, both with the configured leeway, against the
/// service's <see cref="TimeProvider"/> rather than IdentityModel's own clock, so one clock governs every time check.
/// </summary>
internal static class TokenLifetime
{
    public static bool Validate(DateTime? notBefore, DateTime? expires, DateTimeOffset now, TimeSpan skew)
    {
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (notBefore is { } nbf && new DateTimeOffset(nbf, TimeSpan.Zero) > now + skew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        }

        if (new DateTimeOffset(exp, TimeSpan.Zero) < now - skew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }

        return true;
    }
}
