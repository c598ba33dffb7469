using CdsService.CdsHooks;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Polly;

namespace CdsService.Security;

/// <summary>
/// JwtBearer set up for the CDS Hooks JWT profile: keys only from the issuer's own allowlisted JWKS, exact endpoint
/// <c>aud</c>, <c>exp</c> required, asymmetric algorithms only, claims kept as sent.
/// </summary>
internal static class CdsClientAuthentication
{
    public const string Scheme = "CdsClientJwt";

    public static IServiceCollection AddCdsClientAuthentication(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddReplayStore();
        services.AddSingleton<WarmUpClient>();
        services.AddSingleton<TrustedClients>();
        services.AddSingleton<CdsJwtEvents>();
        services.AddSingleton<FailedAuthenticationThrottle>();
        services.AddHttpClient(RemoteJwks.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<SecurityOptions>>().Value.Jwks.MaxBytes)

            // A redirect would be a fetch from a URL nobody allowlisted.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddResilienceHandler("jwks", (pipeline, context) =>
            {
                var budget = context.ServiceProvider.GetRequiredService<IOptions<SecurityOptions>>().Value.Jwks.FetchTimeout;
                pipeline.AddTimeout(budget)
                    .AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromMilliseconds(200) })
                    .AddTimeout(budget / 2);
            });

        // With a single scheme ASP.NET Core would make it the default and authenticate every request with it: open
        // endpoints (health, policy documents, open discovery) would read tokens and spend their jti. Only the
        // policies that name this scheme may.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddJwtBearer(Scheme);
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<TrustedClients, IOptions<SecurityOptions>, IOptions<CdsOptions>, IHttpContextAccessor, TimeProvider>(
            (jwt, clients, security, cds, http, clock) => Configure(jwt, clients, security.Value, cds.Value, http, clock));
        return services;
    }

    /// <summary>The CDS Hooks JWT rules for a scheme trusting <paramref name="clients"/>; the operator scheme reuses them.</summary>
    internal static void Configure(
        JwtBearerOptions jwt,
        TrustedClients clients,
        SecurityOptions security,
        CdsOptions cds,
        IHttpContextAccessor http,
        TimeProvider clock)
    {
        jwt.EventsType = typeof(CdsJwtEvents);
        jwt.MapInboundClaims = false;
        jwt.SaveToken = false;
        jwt.IncludeErrorDetails = false;
        jwt.RefreshOnIssuerKeyNotFound = false;
        jwt.TimeProvider = clock;
        jwt.TokenHandlers.Clear();
        jwt.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false });
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidTypes = ["JWT"],
            ValidAlgorithms = security.AcceptedAlgorithms,
            ValidateIssuer = true,
            ValidIssuers = clients.AcceptedIssuers,
            IssuerSigningKeyResolver = (_, token, kid, _) =>
                token is JsonWebToken parsed && clients.Find(parsed.Issuer) is { } client ? client.KeysFor(kid, parsed.Alg) : [],
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            ValidateAudience = true,
            RequireAudience = true,
            AudienceValidator = (audiences, _, _) =>
                http.HttpContext is { } context && EndpointAudience.Matches(audiences, EndpointAudience.For(context.Request, cds)),
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = security.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) => TokenLifetime.Validate(notBefore, expires, clock.GetUtcNow(), security.ClockSkew),
            NameClaimType = JwtRegisteredClaimNames.Iss,
            LogTokenId = false,
            LogValidationExceptions = false,
        };
    }
}
