using CdsService.Hosting;
using CdsService.Security;
using CdsService.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.Fixtures;

/// <summary>
/// Runs the start-up validation a host runs before it serves, on the service's own registrations (as Program.cs makes
/// them) and the given configuration. Tests of "refuses to start" use this instead of WebApplicationFactory, which
/// reports a host that fails to start inconsistently (sometimes as a disposed service provider; dotnet/aspnetcore#33494).
/// </summary>
internal static class StartupCheck
{
    /// <summary>The options validation failures, or null when the configuration would start.</summary>
    public static IReadOnlyList<OptionsValidationException>? Failures(string environment, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCdsSecurity();
        builder.Services.AddCdsHooks();
        builder.Services.AddPatientRecords();
        builder.Services.AddPriorAuthPolicies();
        builder.Services.AddHealth();
        builder.Services.AddServiceState();
        using var app = builder.Build();
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (OptionsValidationException single)
        {
            return [single];
        }
        catch (AggregateException all)
        {
            return [.. all.InnerExceptions.Cast<OptionsValidationException>()];
        }
    }
}
