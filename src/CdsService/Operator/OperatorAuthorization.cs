using CdsService.CdsHooks;
using CdsService.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CdsService.Operator;

/// <summary>
/// Who may read the audit trail: the <see cref="PolicyName"/> policy. A JWT from an issuer listed under
/// <c>Operators</c> (same shape as <c>CdsClients</c>), checked by exactly the rules CDS client tokens meet (allowlisted
/// keys, exact <c>aud</c> = the URL called, short lifetime, one-time <c>jti</c>), carrying scope <c>cds.audit.read</c>.
/// In Development (with <c>Security:AllowAnonymousFromLoopback</c>, as there by default), also an anonymous call from loopback.
/// </summary>
internal static class OperatorAuthorization
{
    public const string PolicyName = "Operator";
    public const string Scheme = "OperatorJwt";
    public const string SectionName = "Operators";
    public const string ReadScope = "cds.audit.read";

    public static IServiceCollection AddOperatorAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<OperatorClients>();
        services.AddAuthentication().AddJwtBearer(Scheme);
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IServiceProvider>((jwt, sp) =>
        {
            var operators = sp.GetRequiredService<OperatorClients>().Trusted;
            CdsClientAuthentication.Configure(
                jwt,
                operators,
                sp.GetRequiredService<IOptions<SecurityOptions>>().Value,
                sp.GetRequiredService<IOptions<CdsOptions>>().Value,
                sp.GetRequiredService<IHttpContextAccessor>(),
                sp.GetRequiredService<TimeProvider>());
            jwt.EventsType = null;
            jwt.Events = ActivatorUtilities.CreateInstance<CdsJwtEvents>(sp, operators);
        });
        services.AddSingleton<IAuthorizationHandler, OperatorHandler>();
        services.AddOptions<AuthorizationOptions>().Configure(authorization =>
            authorization.AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(Scheme).AddRequirements(new OperatorRequirement())));
        return services;
    }
}

/// <summary>The operators' issuers, as their own allowlist: a CDS client's token never opens the audit trail.</summary>
internal sealed class OperatorClients(
    IConfiguration configuration,
    IOptions<SecurityOptions> security,
    IHostEnvironment environment,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<RemoteJwks> logger) : IDisposable
{
    public TrustedClients Trusted { get; } = new(
        Options.Create(new CdsClientsOptions { Clients = configuration.GetSection(OperatorAuthorization.SectionName).Get<List<CdsClientOptions>>() ?? [] }),
        security,
        environment,
        httpClients,
        clock,
        logger);

    public void Dispose() => Trusted.Dispose();
}

internal sealed class OperatorRequirement : IAuthorizationRequirement;

internal sealed class OperatorHandler(IHostEnvironment environment, IOptions<SecurityOptions> security) : AuthorizationHandler<OperatorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperatorRequirement requirement)
    {
        var user = context.User;
        var scoped = user.Identity?.IsAuthenticated == true
            && user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Contains(OperatorAuthorization.ReadScope, StringComparer.Ordinal);
        if (scoped || IsDevelopmentLoopback(context.Resource as HttpContext))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    // The same switch as for hook calls: a developer who turned anonymous loopback off gets tokens everywhere.
    private bool IsDevelopmentLoopback(HttpContext? http) =>
        environment.IsDevelopment() && security.Value.AllowAnonymousFromLoopback && AnonymousLoopback.Is(http);
}
