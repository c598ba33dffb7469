using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CdsService.Security;

/// <summary>
/// A token bucket per client: the validated <c>iss</c> when the call authenticated, otherwise the remote IP. It runs after
/// authorization so that the issuer it partitions by has been proven; refusals are 429 ProblemDetails with Retry-After.
/// </summary>
internal static partial class ClientRateLimits
{
    public static IServiceCollection AddClientRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((limiter, security) =>
        {
            var limits = security.Value.RateLimit;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetTokenBucketLimiter(
                PartitionOf(http),
                _ => TokenBuckets.RefilledEvery(limits.Window, limits.PermitLimit)));
        });
        return services;
    }

    private static string PartitionOf(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(JwtRegisteredClaimNames.Iss)?.Value is { } issuer
            ? "iss:" + issuer
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        LogLimited(http.RequestServices.GetRequiredService<Hosting.EndpointLoggers>().For(typeof(ClientRateLimits)), http.Request.Method, Attestation.FormLinks.Redact(http.Request.Path.Value ?? ""));
        await Hosting.ProblemResponses.WriteAsync(
            http,
            new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "This client has exceeded its request rate; retry after the time given in Retry-After.",
            },
            exception: null,
            cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Rate limit reached: refused {Method} {Path} with 429")]
    private static partial void LogLimited(ILogger logger, string method, string path);
}

/// <summary>The token buckets this service uses: full every window, no queue (a refusal is immediate).</summary>
internal static class TokenBuckets
{
    public static TokenBucketRateLimiterOptions RefilledEvery(TimeSpan window, int permits) => new()
    {
        TokenLimit = permits,
        TokensPerPeriod = permits,
        ReplenishmentPeriod = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
