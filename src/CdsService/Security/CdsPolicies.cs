using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>The authorization policies CDS Hooks endpoints name; what they require is decided here, from configuration.</summary>
internal static class CdsPolicies
{
    /// <summary>Service calls and feedback: a valid client JWT (or, in Development, an anonymous loopback call).</summary>
    public const string Client = "CdsClient";

    /// <summary>Discovery: open unless <see cref="SecurityOptions.RequireTokenForDiscovery"/>, then as <see cref="Client"/>.</summary>
    public const string Discovery = "CdsDiscovery";

    public static IServiceCollection AddCdsPolicies(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, TrustedClientHandler>();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<SecurityOptions>>((authorization, security) =>
        {
            authorization.AddPolicy(Client, RequireTrustedClient);
            if (security.Value.RequireTokenForDiscovery)
            {
                authorization.AddPolicy(Discovery, RequireTrustedClient);
            }
            else
            {
                // No authentication scheme: a token sent to open discovery is not even read, let alone its jti spent.
                authorization.AddPolicy(Discovery, policy => policy.RequireAssertion(_ => true));
            }
        });
        return services;
    }

    private static void RequireTrustedClient(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(CdsClientAuthentication.Scheme).AddRequirements(new TrustedClientRequirement());
}

internal sealed class TrustedClientRequirement : IAuthorizationRequirement;

/// <summary>
/// Met by a caller that authenticated with a client JWT. In Development with
/// <see cref="SecurityOptions.AllowAnonymousFromLoopback"/>, also by a call with no Authorization header from a loopback
/// address; an unknown address (null) is never taken for loopback.
/// </summary>
internal sealed class TrustedClientHandler(IOptions<SecurityOptions> security, IHostEnvironment environment)
    : AuthorizationHandler<TrustedClientRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TrustedClientRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true || IsAnonymousLoopbackCall(context.Resource as HttpContext))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool IsAnonymousLoopbackCall(HttpContext? http) =>
        environment.IsDevelopment() && security.Value.AllowAnonymousFromLoopback && AnonymousLoopback.Is(http);
}
