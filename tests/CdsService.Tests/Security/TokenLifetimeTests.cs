using CdsService.Security;
using Microsoft.IdentityModel.Tokens;

namespace CdsService.Tests.Security;

/// <summary><c>exp</c> and <c>nbf</c> against the service's clock, with the configured leeway on each side.</summary>
public sealed class TokenLifetimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(-59, true)]
    [InlineData(-61, false)]
    [InlineData(300, true)]
    public void Exp_is_allowed_to_have_passed_by_the_leeway_and_no_more(int expiresInSeconds, bool valid)
    {
        var exp = Now.AddSeconds(expiresInSeconds).UtcDateTime;

        var validate = () => TokenLifetime.Validate(null, exp, Now, Skew);

        if (valid)
        {
            Assert.True(validate());
        }
        else
        {
            Assert.Throws<SecurityTokenExpiredException>(() => validate());
        }
    }

    [Fact]
    public void A_token_without_exp_is_refused() =>
        Assert.Throws<SecurityTokenNoExpirationException>(() => TokenLifetime.Validate(null, null, Now, Skew));

    [Fact]
    public void A_token_not_valid_before_a_time_beyond_the_leeway_is_refused() =>
        Assert.Throws<SecurityTokenNotYetValidException>(() => TokenLifetime.Validate(Now.AddSeconds(61).UtcDateTime, Now.AddMinutes(5).UtcDateTime, Now, Skew));
}
