using CdsService.Cards;
using CdsService.CdsHooks;
using CdsService.Ehr;
using CdsService.Fhir;
using CdsService.OrderSign;
using CdsService.PatientRecords;
using CdsService.Policies;
using CdsService.Policies.Besponsa;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CdsService.Hosting;

internal static class ServiceRegistration
{
    /// <summary>The CDS Hooks protocol layer and its error handling.</summary>
    public static IServiceCollection AddCdsHooks(this IServiceCollection services)
    {
        services.AddOptions<CdsOptions>().BindConfiguration(CdsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FhirJsonReader>();
        services.AddSingleton<HookRequestReader>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WarmUpStatus>();
        services.AddOptions<WarmUpOptions>().BindConfiguration(WarmUpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WarmUpCalls>();
        services.AddHttpClient(WarmUpCalls.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))

            // Its token must never leave the host: no proxy, no redirect. Its few connections close soon after.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })

            // Hundreds of calls to itself are summed up in one line (WarmUp), not logged one by one.
            .RemoveAllLoggers();
        services.AddHostedService<WarmUp>();
        return services;
    }

    /// <summary>The patient record: prefetch first, the EHR's FHIR server for what is missing.</summary>
    public static IServiceCollection AddPatientRecords(this IServiceCollection services)
    {
        services.AddSingleton<PatientRecordLoader>();
        services.AddFhirServerDataSource();
        return services;
    }

    /// <summary>The drug policies, each published as an order-sign service, and the card renderer.</summary>
    public static IServiceCollection AddPriorAuthPolicies(this IServiceCollection services)
    {
        services.AddOptions<PayerOptions>().BindConfiguration(PayerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BesponsaOptions>().BindConfiguration(BesponsaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CardRenderer>();
        services.AddDrugPolicy<BesponsaPolicy>(sp => new BesponsaRecordInterest(sp.GetRequiredService<IOptions<BesponsaOptions>>().Value.BaselineLabWindowDays));

        // Policy value sets: loaded (and validated) before the host starts serving; a bad file stops start-up.
        services.AddSingleton(_ => BesponsaValueSets.Library);
        services.AddOptions<BesponsaOptions>().Validate(_ => BesponsaValueSets.Library.All.Count > 0, "The Besponsa value sets did not load.");
        return services;
    }

    private static void AddDrugPolicy<TPolicy>(this IServiceCollection services, Func<IServiceProvider, IRecordInterest> interest)
        where TPolicy : class, IDrugPolicy
    {
        services.AddSingleton<TPolicy>();
        services.AddSingleton<IDrugPolicy>(sp => sp.GetRequiredService<TPolicy>());
        services.AddSingleton<ICdsService>(sp => ActivatorUtilities.CreateInstance<PriorAuthOrderSignService>(sp, sp.GetRequiredService<TPolicy>(), interest(sp)));
    }
}
