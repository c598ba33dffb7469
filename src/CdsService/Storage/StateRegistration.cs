using CdsService.Audit;
using CdsService.Determinations;
using CdsService.Operator;
using Microsoft.Extensions.Options;

namespace CdsService.Storage;

/// <summary>What the service remembers: the store, the audit trail and its writer, determinations, operator access.</summary>
internal static class StateRegistration
{
    public static IServiceCollection AddServiceState(this IServiceCollection services)
    {
        services.AddStateStore();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddSingleton<PatientKeys>();
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<HookCallAudit>();
        services.AddHostedService<AuditWriter>();
        services.AddOptions<DeterminationOptions>().BindConfiguration(DeterminationOptions.SectionName);
        services.AddSingleton<PreemptiveDeterminations>();
        services.AddSingleton<RehearsalStore>();
        services.AddOperatorAuthorization();
        return services;
    }
}
