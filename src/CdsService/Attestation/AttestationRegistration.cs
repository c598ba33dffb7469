using CdsService.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdsService.Attestation;

internal static class AttestationRegistration
{
    /// <summary>
    /// The attestation form: Data Protection for its links and stored state, the session store (the in-memory one
    /// only when no durable store is registered), the link issuer and the FHIR writer.
    /// </summary>
    public static IServiceCollection AddAttestationForms(this IServiceCollection services)
    {
        services.AddOptions<AttestationOptions>().BindConfiguration(AttestationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection();
        services.TryAddSingleton<IFormSessionStore, InMemoryFormSessionStore>();
        services.AddSingleton<FormLinks>();
        services.AddSingleton<ResponseWriter>();
        return services;
    }
}
