using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>
/// Says at start-up whom the service trusts, and shouts when the Development profile accepts anonymous calls.
/// A hosted service, so it runs after start-up validation and before the first request.
/// </summary>
internal sealed partial class SecurityStartupReport(
    TrustedClients clients,
    IOptions<SecurityOptions> security,
    IHostEnvironment environment,
    ILogger<SecurityStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogTrustedClients(logger, environment.EnvironmentName, string.Join(", ", clients.Issuers));
        if (environment.IsDevelopment() && security.Value.AllowAnonymousFromLoopback)
        {
            LogAnonymousLoopback(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "{Environment} profile; trusted CDS clients: {Issuers}")]
    private static partial void LogTrustedClients(ILogger logger, string environment, string issuers);

    [LoggerMessage(LogLevel.Warning,
        "!!! SECURITY: Development profile. CDS Hooks calls WITHOUT a JWT are accepted from loopback addresses (127.0.0.1, ::1). "
        + "Never expose this instance to a network; run with ASPNETCORE_ENVIRONMENT=Production to require client JWTs. !!!")]
    private static partial void LogAnonymousLoopback(ILogger logger);
}
