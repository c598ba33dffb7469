using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CdsService.Security;

/// <summary>
/// The CDS Hooks rules JwtBearer does not check by itself: header checks before any key lookup (and the JWKS refresh
/// they may trigger), <c>iat</c>, lifetime, <c>jti</c> replay and tenant after the signature; and the bare 401.
/// </summary>
internal sealed partial class CdsJwtEvents(
    TrustedClients clients,
    ReplayCache replays,
    IOptions<SecurityOptions> security,
    TimeProvider clock,
    IHostEnvironment environment,
    FailedAuthenticationThrottle failures,
    ILogger<CdsJwtEvents> logger) : JwtBearerEvents
{
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        if (!context.Request.Headers.ContainsKey("Authorization"))
        {
            // Anonymous: the authorization policy decides (Development's loopback rule, or a 401).
            return;
        }

        // Before any parsing or signature verify: an address that keeps failing costs nothing more.
        if (failures.IsBlocked(context.HttpContext.Connection.RemoteIpAddress, out var retryAfter))
        {
            context.HttpContext.Items[typeof(FailedAuthenticationThrottle)] = retryAfter;
            Reject(context, RejectionReason.TooManyFailures);
            return;
        }

        if (!TokenHeader.TryReadBearer(context.Request, out var raw))
        {
            Reject(context, RejectionReason.TokenMalformed);
            return;
        }

        var header = TokenHeader.Check(raw, clients, security.Value.AcceptedAlgorithms);
        context.HttpContext.Items[typeof(TrustedClient)] = header.Client;
        if (header.Rejection is { } reason)
        {
            Reject(context, reason);
            return;
        }

        var client = header.Client!;
        await client.RefreshKeysIfNeededAsync(header.Kid, context.HttpContext.RequestAborted);
        if (client.KeysFor(header.Kid, header.Algorithm).Count == 0)
        {
            Reject(context, RejectionReason.KidUnknown);
            return;
        }

        context.Token = raw;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var token = (JsonWebToken)context.SecurityToken;
        if (clients.Find(token.Issuer) is not { } client)
        {
            // Only the warm-up client leaves the list, when it retires during its own last call.
            context.Fail(new CdsTokenRejectedException(RejectionReason.IssUntrusted));
            return;
        }

        if (clients.IsWarmUp(token.Issuer)
            && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName != CdsHooks.CdsHooksEndpoints.InvokeServiceName)
        {
            // The warm-up only rehearses hook calls: feedback or discovery under its name would be real.
            context.Fail(new CdsTokenRejectedException(RejectionReason.IssUntrusted));
            return;
        }

        if (Check(token, client) is { } reason)
        {
            context.Fail(new CdsTokenRejectedException(reason));
            return;
        }

        var acceptableUntil = new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + security.Value.ClockSkew;
        if (!await replays.TryClaimAsync(client.Issuer, token.Id, acceptableUntil, context.HttpContext.RequestAborted))
        {
            context.Fail(new CdsTokenRejectedException(RejectionReason.JtiReplayed));
        }
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        // A bare 401: which rule failed is for this service's log, not for whoever holds the token. Development, where
        // the developer wiring up a client is the only caller, also says which rule (the reason code, never the token).
        context.HandleResponse();
        var reason = CdsTokenRejectedException.ReasonOf(context.AuthenticateFailure);
        var issuer = (context.HttpContext.Items[typeof(TrustedClient)] as TrustedClient)?.Issuer ?? "-";
        LogRejected(logger, reason, issuer, context.Request.Method, context.Request.Path);
        if (context.HttpContext.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        if (reason == RejectionReason.TooManyFailures && context.HttpContext.Items[typeof(FailedAuthenticationThrottle)] is TimeSpan retryAfter)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        if (context.AuthenticateFailure is not null)
        {
            failures.RecordFailure(context.HttpContext.Connection.RemoteIpAddress);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        if (environment.IsDevelopment())
        {
            await context.Response.WriteAsJsonAsync(RefusalProblem(reason), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.HttpContext.RequestAborted);
        }
    }

    private static ProblemDetails RefusalProblem(RejectionReason reason) => new()
    {
        Status = StatusCodes.Status401Unauthorized,
        Title = "CDS client token refused",
        Detail = $"The token was refused: {reason}. See the README's \"What a call must carry\" table for the rule behind each reason. "
            + "Only the Development profile explains a refusal; elsewhere the answer is a bare 401.",
        Extensions = { ["reason"] = reason.ToString() },
    };

    private static readonly TimeSpan RoundingSlack = TimeSpan.FromSeconds(1);

    private RejectionReason? Check(JsonWebToken token, TrustedClient client)
    {
        var options = security.Value;
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return RejectionReason.IatMissing;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (issuedAt > clock.GetUtcNow() + options.ClockSkew)
        {
            return RejectionReason.IatInFuture;
        }

        // iat and exp are whole seconds, and a client that reads its clock once for each can get them one second apart
        // (the CRD Request Generator's one-day tokens are 86,400 s, or 86,401 s when its two reads straddle a second):
        // that second is not a longer token.
        if (new DateTimeOffset(token.ValidTo, TimeSpan.Zero) - issuedAt > options.MaxTokenLifetime + RoundingSlack)
        {
            return RejectionReason.LifetimeTooLong;
        }

        if (string.IsNullOrEmpty(token.Id))
        {
            return RejectionReason.JtiMissing;
        }

        if (client.Tenants.Count > 0
            && !(token.TryGetPayloadValue<string>("tenant", out var tenant) && client.Tenants.Contains(tenant, StringComparer.Ordinal)))
        {
            return RejectionReason.TenantUntrusted;
        }

        return null;
    }

    private static void Reject(MessageReceivedContext context, RejectionReason reason) =>
        context.Fail(new CdsTokenRejectedException(reason));

    [LoggerMessage(LogLevel.Warning, "Refused CDS client call: {Reason} (issuer {Issuer}) on {Method} {Path}")]
    private static partial void LogRejected(ILogger logger, RejectionReason reason, string issuer, string method, PathString path);
}
